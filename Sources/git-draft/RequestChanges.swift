import ArgumentParser
import DraftKit

struct RequestChanges: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "request-changes",
    abstract: "Ask for changes to a ticket's latest revision and send it back to planned.",
    discussion: """
      The summary and every open comment go into the prompt of the ticket's next run.
      """)

  @Argument(help: "The ticket id.")
  var id: String

  @OptionGroup var text: TextOptions

  func run() throws {
    guard let summary = try text.text() else {
      throw ValidationError("say what to change with -m TEXT or -F FILE")
    }
    let draft = try Draft()
    let change = try draft.requestChanges(id, summary: summary)
    let short = try draft.board(around: change.detail.ticket.id).board.shortID(change.detail.ticket.id)
    let revision = change.detail.feedback.last?.revisionNumber ?? 0
    Output.line(
      "Requested changes on revision \(revision) of \(short); 'git draft run \(short)' makes the next revision"
    )
  }
}
