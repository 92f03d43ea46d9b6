import ArgumentParser
import DraftKit

struct Approve: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Approve the latest revision of a ticket that passed verification.")

  @Argument(help: "The ticket id.")
  var id: String

  @OptionGroup var text: TextOptions

  func run() throws {
    let draft = try Draft()
    let change = try draft.approve(id, message: try text.text())
    let detail = change.detail
    let short = try draft.board(around: detail.ticket.id).board.shortID(detail.ticket.id)
    let number = detail.approvedRevision?.number ?? 0
    Output.line(
      change.changed
        ? "Approved revision \(number) of \(short); 'git draft merge \(short)' merges it"
        : "Revision \(number) of \(short) is already approved")
  }
}
