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
}

struct Link: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Link two tickets; a blocking or parent cycle is refused.")

  @Argument(help: "The ticket id.")
  var id: String

  @OptionGroup var link: LinkOptions

  func run() throws {
    let draft = try Draft()
    let board = try draft.board()
    let (relation, other) = link.relation
    let (from, to) = (try board.resolve(id).id, try board.resolve(other).id)
    let change = try draft.link(from, relation, to)
    let text = "\(board.shortID(from)) \(relation.rawValue) \(board.shortID(to))"
    Output.line(change.changed ? "Linked: \(text)" : "Already linked: \(text)")
  }
}
