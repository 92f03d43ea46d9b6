import ArgumentParser
import DraftKit

struct Pull: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fetch the board from a remote and merge it (no push).")

  @Argument(help: "A remote name, URL or path.")
  var remote: String?

  func run() throws {
    Output.report(try Draft().pull(from: remote))
  }
}
