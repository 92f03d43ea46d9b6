import ArgumentParser
import DraftKit
import Glibc

@main
struct GitDraft: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "git-draft",
    abstract: "A ticket board for AI coding agents, kept in the git repository.",
    discussion: """
      Tickets live as commits under refs/draft/ and travel with the repository.
      Run 'git draft COMMAND -h' for a command's options, 'man git-draft' for the manual.
      """,
    version: "0.1.0",
    subcommands: [
      Init.self, New.self, List.self, Show.self, Edit.self, CommentCommand.self, Move.self, Link.self,
      Unlink.self,
      Next.self, Log.self, BoardCommand.self, Import.self, Export.self,
    ]
  )

  /// Parses and runs, reporting any failure as one line on standard error:
  /// exit 129 for a usage error (as git does), 128 for a failure, 1 where a command says so.
  static func main() {
    do {
      var command = try parseAsRoot()
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
      let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
      Output.fail("\(message) (see 'git draft -h')", code: 129)
    }
  }
}
