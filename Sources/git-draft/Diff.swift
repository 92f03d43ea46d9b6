import ArgumentParser
import DraftKit
import Glibc

struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Show the change a revision made: git diff from its base to its head commit.",
    discussion: """
      git itself prints the diff, with your pager and colours. Paths after -- limit it to them.
      """)

  @Argument(help: "The ticket id.")
  var id: String

  @Option(help: "The revision number (default: the latest).")
  var rev: Int?

  @Flag(help: "Print git's diffstat instead of the diff.")
  var stat = false

  @Argument(parsing: .postTerminator, help: ArgumentHelp("Paths to limit the diff to.", valueName: "path"))
  var paths: [String] = []

  func run() throws {
    let arguments = ["git"] + (try Draft().diffArguments(id, revision: rev, stat: stat, paths: paths))
    // git replaces this process, so its pager, colours and exit status are the user's own.
    var argv = arguments.map { strdup($0) } + [nil]
    execvp("git", &argv)
    throw DraftError(.git, "cannot run git: \(String(cString: strerror(errno)))")
  }
}
