import ArgumentParser
import DraftKit
import Glibc

@main
struct GitDraft: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "git draft",
    abstract: "A ticket board for AI coding agents, kept in the git repository.",
    discussion: """
      Tickets live as commits under refs/draft/ and travel with the repository.
      Run 'git draft COMMAND -h' for a command's options, 'man git-draft' for the manual.
      """,
    version: "0.1.0",
    subcommands: [
      Init.self, New.self, List.self, Show.self, Edit.self, CommentCommand.self, Move.self, Link.self,
      Unlink.self,
      Next.self, Log.self, BoardCommand.self, Import.self, Export.self, Sync.self, Pull.self, Push.self,
      ClaimCommand.self, Release.self, RunCommand.self, WorkCommand.self, Verify.self, EvidenceCommand.self,
      Cancel.self,
      MergeCommand.self,
      DiffCommand.self, ReviewCommand.self, RequestChanges.self, Approve.self,
      HooksCommand.self, HookCommand.self, GC.self,
    ]
  )

  /// Parses and runs, reporting any failure as one line on standard error:
  /// exit 129 for a usage error (as git does), 128 for a failure, 1 where a command says so.
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.isEmpty {
      // As git does for a bare `git`: the usage, and a failure status.
      Output.write(helpMessage() + "\n")
      Glibc.exit(1)
    }
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
    } catch let error as DraftError {
      Output.fail(error.message, code: 128)
    } catch let error as ExitCode {
      Glibc.exit(error.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        Output.write(fullMessage(for: error) + "\n")
        Glibc.exit(0)
      }
      let message = oneLine(message(for: error))
      Output.fail("\(lowercasingFirst(message)) (see '\(helpCommand(for: arguments))')", code: 129)
    }
  }

  /// `git draft SUBCOMMAND -h` for the subcommand named in `arguments`, else `git draft -h`.
  static func helpCommand(for arguments: [String]) -> String {
    let names = configuration.subcommands.map { $0._commandName }
    return arguments.first(where: names.contains).map { "git draft \($0) -h" } ?? "git draft -h"
  }

  /// ArgumentParser's messages may span lines (a list of allowed values): folded into one.
  static func oneLine(_ message: String) -> String {
    let lines = message.split(whereSeparator: \.isNewline).map { line in
      String(line.drop { $0 == " " || $0 == "\t" })
    }
    let items = lines.filter { $0.hasPrefix("- ") }.map { $0.dropFirst(2) }
    let text = lines.filter { !$0.hasPrefix("- ") }.joined(separator: " ")
    return items.isEmpty ? text : text + " " + items.joined(separator: ", ")
  }

  /// ArgumentParser capitalises its messages; git's (and ours) start in lower case.
  static func lowercasingFirst(_ text: String) -> String {
    guard let first = text.first, first.isUppercase, !(text.dropFirst().first?.isUppercase ?? false) else {
      return text
    }
    return first.lowercased() + text.dropFirst()
  }
}
