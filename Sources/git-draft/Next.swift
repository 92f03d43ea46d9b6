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

  @Flag(help: "Claim the ticket for this machine; if another machine takes it first, the next one.")
  var claim = false

  @Option(help: "With --claim: how long the claim lasts unless renewed (default: 30m).")
  var lease: LeaseArgument?

  @OptionGroup var claimOptions: ClaimOptions

  @OptionGroup var colors: ColorOptions

  func validate() throws {
    if claim && all { throw ValidationError("--claim takes one ticket; it does not go with --all") }
    if !claim && (lease != nil || claimOptions.offline || claimOptions.remote != nil) {
      throw ValidationError("--lease, --offline and --remote go with --claim")
    }
  }

  func run() throws {
    let draft = try Draft()
    let board: Board
    let result: NextResult
    if claim {
      result = try draft.claimNext(
        label: label, lease: lease?.seconds ?? Draft.defaultLease, scope: claimOptions.scope)
      if case .ready(let claimed) = result {
        board = try json ? draft.board() : draft.board(around: claimed[0].id).board
      } else {
        board = try draft.board(selecting: { _ in [] })
      }
    } else {
      (board, result) = try draft.next(label: label, complete: json)
    }
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
        Output.write(printer.lines(shown))
      }
    }
  }
}
