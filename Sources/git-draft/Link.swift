import ArgumentParser
import DraftKit

/// `--blocks`, `--blocked-by`, `--parent` or `--related` with the other ticket, exactly one.
struct LinkOptions: ParsableArguments {
  @Option(help: "ID blocks OTHER: OTHER waits until ID is done.")
  var blocks: String?
  @Option(name: .customLong("blocked-by"), help: "ID waits until OTHER is done.")
  var blockedBy: String?
  @Option(help: "OTHER is ID's parent.")
  var parent: String?
  @Option(help: "ID and OTHER are related.")
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
    let change = try draft.link(try board.resolve(id).id, relation, try board.resolve(other).id)
    Output.line(change.changed ? "Linked \(id) \(relation.rawValue) \(other)" : "\(id) is already linked so")
  }
}
