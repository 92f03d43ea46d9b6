import ArgumentParser
import DraftKit

struct Unlink: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Remove a link between two tickets.")

  @Argument(help: "The ticket id.")
  var id: String

  @OptionGroup var link: LinkOptions

  func run() throws {
    let draft = try Draft()
    let board = try draft.board()
    let (relation, other) = link.relation
    try draft.unlink(try board.resolve(id).id, relation, try board.resolve(other).id)
    Output.line("Unlinked \(id) \(relation.rawValue) \(other)")
  }
}
