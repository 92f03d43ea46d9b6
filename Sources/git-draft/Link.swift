import ArgumentParser
import DraftKit

/// `--blocks`, `--blocked-by`, `--parent` or `--related` with the other ticket, exactly one.
struct LinkOptions: ParsableArguments {
  @Option(help: ArgumentHelp("ID blocks OTHER: OTHER waits until ID is done.", valueName: "other"))
  var blocks: String?
  @Option(
    name: .customLong("blocked-by"), help: ArgumentHelp("ID waits until OTHER is done.", valueName: "other"))
  var blockedBy: String?
  @Option(help: ArgumentHelp("OTHER is ID's parent.", valueName: "other"))
  var parent: String?
  @Option(help: ArgumentHelp("ID and OTHER are related.", valueName: "other"))
  var related: String?

  func validate() throws {
    if [blocks, blockedBy, parent, related].compactMap({ $0 }).count != 1 {
      throw ValidationError("give exactly one of --blocks, --blocked-by, --parent, --related")
    }
  }

  var relation: (LinkRelation, String) {
    if let blocks { return (.blocks, blocks) }
    if let blockedBy { return (.blockedBy, blockedBy) }
    if let parent { return (.parent, parent) }
    return (.related, related!)
  }

  /// The two tickets' full ids and the relation, resolved on `board`, and the link as text.
  func resolve(_ id: String, on board: Board) throws -> (
    from: String, relation: LinkRelation, to: String, text: String
  ) {
    let (relation, other) = self.relation
    let (from, to) = (try board.resolve(id).id, try board.resolve(other).id)
    return (from, relation, to, "\(board.shortID(from)) \(relation.rawValue) \(board.shortID(to))")
  }
}

struct Link: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Link two tickets; a blocking or parent cycle is refused.")

  @Argument(help: "The ticket id.")
  var id: String

  @OptionGroup var link: LinkOptions

  func run() throws {
    let draft = try Draft()
    let (from, relation, to, text) = try link.resolve(id, on: try draft.board())
    let change = try draft.link(from, relation, to)
    Output.line(change.changed ? "Linked: \(text)" : "Already linked: \(text)")
  }
}
