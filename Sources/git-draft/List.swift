import ArgumentParser
import DraftKit

struct List: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List open tickets, one per line.",
    discussion: """
      QUERY terms: state:S label:L priority:N author:TEXT is:ready sort:priority|created|updated,
      and free words matched in title and body. Done and abandoned tickets are listed only with
      --all or a state: term.
      """)

  @Argument(help: "Query terms.")
  var query: [String] = []

  @Flag(name: .shortAndLong, help: "Include done and abandoned tickets.")
  var all = false

  @Flag(help: "Print a JSON array.")
  var json = false

  @OptionGroup var colors: ColorOptions

  func run() throws {
    let draft = try Draft()
    let parsed: TicketQuery
    do {
      parsed = try TicketQuery(parsing: query, includeClosed: all)
    } catch let error as DraftError {
      throw ValidationError(error.message)
    }
    let (board, tickets) = try draft.list(parsed)
    Output.warnInvalid(board)
    Output.keepUntilExit(board)
    if json {
      Output.line(
        JSONValue.array(tickets.map { TicketJSON.object($0, board: board) }).serialized(pretty: true))
      return
    }
    let printer = TicketPrinter(board: board, palette: colors.palette(draft))
    Output.write(printer.lines(tickets))
  }
}
