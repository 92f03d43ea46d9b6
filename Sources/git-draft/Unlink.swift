import ArgumentParser
import DraftKit

struct Unlink: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Remove a link between two tickets.")

  @Argument(help: "The ticket id.")
  var id: String

  @OptionGroup var link: LinkOptions

  func run() throws {
    let draft = try Draft()
    let (from, relation, to, text) = try link.resolve(id, on: try draft.board())
    try draft.unlink(from, relation, to)
    Output.line("Unlinked: \(text)")
  }
}
