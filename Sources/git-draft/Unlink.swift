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
    let (from, to) = (try board.resolve(id).id, try board.resolve(other).id)
    try draft.unlink(from, relation, to)
    Output.line("Unlinked: \(board.shortID(from)) \(relation.rawValue) \(board.shortID(to))")
  }
}
