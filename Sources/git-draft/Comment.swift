import ArgumentParser
import DraftKit

struct CommentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "comment", abstract: "Add a comment to a ticket.")

  @Argument(help: "The ticket id.")
  var id: String

  @OptionGroup var text: TextOptions

  func run() throws {
    guard let body = try text.text() else {
      throw ValidationError("give the comment with -m TEXT or -F FILE")
    }
    let draft = try Draft()
    let (board, ticket) = try draft.board(around: id)
    try draft.comment(ticket.id, body)
    Output.line("Commented on \(board.shortID(ticket.id))")
  }
}
