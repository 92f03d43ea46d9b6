import ArgumentParser
import DraftKit

struct Push: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Push local board changes to a remote (fast-forwards only; never forced).")

  @Argument(help: "A remote name, URL or path.")
  var remote: String?

  func run() throws {
    Output.report(try Draft().push(to: remote))
  }
}
