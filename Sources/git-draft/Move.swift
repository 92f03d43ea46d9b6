import ArgumentParser
import DraftKit

struct Move: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Move a ticket to another workflow state.",
    discussion: """
      proposed → planned, abandoned · planned → proposed, executing, blocked, abandoned ·
      executing → verifying, needs_human, blocked · verifying → executing, needs_human, blocked, done ·
      needs_human → executing, planned, done, abandoned · blocked → planned, executing, abandoned ·
      done → executing · abandoned → planned
      """)

  @Argument(help: "The ticket id.")
  var id: String

  @Argument(help: "The state to move to.")
  var state: WorkflowState

  @Option(parsing: .unconditional, help: "Why (kept in the ticket's history).")
  var reason: String?

  func run() throws {
    let draft = try Draft()
    let (board, ticket) = try draft.board(around: id)
    let change = try draft.move(ticket.id, to: state, reason: reason)
    let short = board.shortID(ticket.id)
    Output.line(
      change.changed ? "Moved \(short) to \(state.rawValue)" : "\(short) is already \(state.rawValue)")
  }
}
