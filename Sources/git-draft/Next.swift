import ArgumentParser
import DraftKit
import Glibc

struct Next: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the next ready ticket (planned, blockers done, unclaimed).",
    discussion: "Exits 1, saying why in one line, when nothing is ready.")

  @Flag(help: "Print JSON (an array with --all).")
  var json = false

  @Option(help: "Only tickets with this label.")
  var label: String?

  @Flag(name: .shortAndLong, help: "Print the whole ready queue in order.")
  var all = false

  @OptionGroup var colors: ColorOptions

  func run() throws {
    let draft = try Draft()
    let (board, result) = try draft.next(label: label, complete: json)
    Output.warnInvalid(board)
    Output.keepUntilExit(board)
    switch result {
    case .nothingReady(let reason):
      // Not an error: an answer, for people on standard error and for scripts in the status.
      if json { Output.line(all ? "[]" : "null") }
      Output.write(Terminal.clean(reason) + "\n", to: STDERR_FILENO)
      throw ExitCode(1)
    case .ready(let queue):
      let shown = all ? queue : Array(queue.prefix(1))
      if json {
        let tickets = shown.map { TicketJSON.object($0, board: board) }
        Output.line((all ? JSONValue.array(tickets) : tickets[0]).serialized(pretty: true))
      } else {
        let printer = TicketPrinter(board: board, palette: colors.palette(draft))
        Output.write(shown.map { printer.line($0) + "\n" }.joined())
      }
    }
  }
}
