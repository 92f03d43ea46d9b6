import ArgumentParser
import DraftKit

struct Log: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Show a ticket's history, newest first.")

  @Argument(help: "The ticket id.")
  var id: String

  @OptionGroup var colors: ColorOptions

  func run() throws {
    let draft = try Draft()
    let (board, ticket) = try draft.board(around: id)
    let detail = try draft.detail(id: ticket.id)
    let printer = TicketPrinter(board: board, palette: colors.palette(draft))
    Output.write(detail.history.reversed().map { printer.historyLine($0) + "\n" }.joined())
  }
}
