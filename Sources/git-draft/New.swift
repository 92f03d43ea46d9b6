import ArgumentParser
import DraftKit

struct New: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Create a ticket and print its short id.")

  @Argument(help: "The ticket's title.")
  var title: String

  @OptionGroup var body: TextOptions

  @Option(name: .shortAndLong, help: "0-4 or critical, high, medium, low, backlog (default: 2).")
  var priority: PriorityArgument?

  @Option(name: [.customShort("l"), .long], help: "A label (repeatable).")
  var label: [String] = []

  @Option(name: .customLong("blocked-by"), help: "A ticket that must be done first (repeatable).")
  var blockedBy: [String] = []

  @Option(help: "The parent ticket.")
  var parent: String?

  @Option(help: "The state to start in.")
  var state: InitialState = .proposed

  @Flag(help: "Print the whole ticket as JSON.")
  var json = false

  func run() throws {
    let draft = try Draft()
    var request = NewTicket(title: title)
    request.body = try body.text() ?? ""
    request.priority = priority?.value ?? Priority.standard
    request.labels = label
    request.blockedBy = blockedBy
    request.parent = parent
    request.state = state.workflowState
    let id = try draft.create(request)
    let (board, ticket) = try draft.board(around: id)
    if json {
      Output.line(TicketJSON.object(ticket, board: board).serialized(pretty: true))
    } else {
      Output.line(board.shortID(id))
    }
  }
}

/// The states a new ticket may start in.
enum InitialState: String, ExpressibleByArgument, CaseIterable {
  case proposed, planned

  var workflowState: WorkflowState { self == .planned ? .planned : .proposed }
}
