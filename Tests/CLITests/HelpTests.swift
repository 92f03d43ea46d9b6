import Foundation
import Testing

/// `-h` everywhere, and the binary reached as `git draft`.
@Suite struct HelpTests {
  static let subcommands = [
    "init", "new", "list", "show", "edit", "comment", "move", "link", "unlink", "next", "log", "board",
    "import", "export", "diff", "review", "request-changes", "approve", "merge", "work", "gc",
  ]

  @Test func rootHelpListsEveryCommand() throws {
    let sandbox = try Sandbox()
    for flag in ["-h", "--help"] {
      let result = try sandbox.draft(flag)
      #expect(result.status == 0)
      #expect(result.stderr == "")
      #expect(result.stdout.contains("USAGE"))
      for command in Self.subcommands {
        #expect(result.stdout.contains(command), "\(command) missing from \(flag)")
      }
    }
  }

  @Test(arguments: subcommands)
  func everySubcommandHasHelp(command: String) throws {
    let sandbox = try Sandbox()
    let before = try sandbox.refSnapshot()
    let result = try sandbox.draft(command, "-h")
    #expect(result.status == 0)
    #expect(result.stderr == "")
    #expect(result.stdout.contains("USAGE"))
    #expect(result.stdout.contains(command))
    #expect(try sandbox.refSnapshot() == before, "-h does nothing else")
  }

  @Test func helpOutsideARepositoryWorks() throws {
    let sandbox = try Sandbox()
    let outside = sandbox.root + "/elsewhere"
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    let result = try runProcess(
      gitDraftBinary, ["new", "-h"], in: outside, environment: ["GIT_CEILING_DIRECTORIES": sandbox.root])
    #expect(result.status == 0)
    #expect(result.stdout.contains("USAGE"))
  }

  @Test func gitRunsItAsGitDraft() throws {
    let sandbox = try Sandbox()
    let directory = URL(fileURLWithPath: gitDraftBinary).deletingLastPathComponent().path
    let path = directory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let created = try runProcess(
      gitBinary, ["draft", "new", "Through git"], in: sandbox.repo, environment: ["PATH": path])
    #expect(created.status == 0, "\(created.stderr)")
    let id = created.stdout.trimmingCharacters(in: .newlines)
    let listed = try runProcess(gitBinary, ["draft", "list"], in: sandbox.repo, environment: ["PATH": path])
    #expect(listed.status == 0)
    #expect(listed.stdout.contains(id) && listed.stdout.contains("Through git"))
    let help = try runProcess(gitBinary, ["draft", "-h"], in: sandbox.repo, environment: ["PATH": path])
    #expect(help.status == 0)
    #expect(help.stdout.contains("USAGE"))
    let failed = try runProcess(
      gitBinary, ["draft", "show", "0000ffff"], in: sandbox.repo, environment: ["PATH": path])
    #expect(failed.status == 128)
    #expect(failed.stderrLines.count == 1)
  }
}
