import ArgumentParser
import DraftKit

struct Sync: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fetch the board from a remote, merge it, and push the result back.",
    discussion: "REMOTE defaults to the current branch's remote, else origin.")

  @Argument(help: "A remote name, URL or path.")
  var remote: String?

  func run() throws {
    Output.report(try Draft().sync(with: remote))
  }
}
