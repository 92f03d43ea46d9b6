import ArgumentParser
import DraftKit

struct Show: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show everything about a ticket: fields, links, comments and history.")

  @Argument(help: "The ticket id (4 or more hex digits of it).")
  var id: String

  @Flag(help: "Print a JSON object.")
  var json = false

  @OptionGroup var colors: ColorOptions

  func run() throws {
    let draft = try Draft()
    let (board, ticket) = try draft.board(around: id)
    let detail = try draft.detail(id: ticket.id)
    if json {
      let json = TicketJSON.object(
        detail.ticket, board: board, comments: detail.comments, history: detail.history,
        revisions: detail.revisions, feedback: detail.feedback)
      Output.line(json.serialized(pretty: true))
    } else {
      let evidence =
        try detail.revisions.last.map { try draft.evidence(ticket: ticket.id, revision: $0) } ?? []
      Output.line(
        TicketPrinter(board: board, palette: colors.palette(draft)).show(detail, evidence: evidence))
    }
  }
}
