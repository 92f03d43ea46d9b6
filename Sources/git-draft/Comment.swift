import ArgumentParser
import DraftKit

extension LineSpan: ExpressibleByArgument {
  public init?(argument: String) { self.init(parsing: argument) }
}

struct CommentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "comment", abstract: "Add a comment to a ticket, a revision, or lines of a revision's file.",
    discussion: """
      With --rev the comment is about that revision; with --file and --line, about those lines \
      of the file as the revision's commit has them (--rev defaults to the latest revision).
      """)

  @Argument(help: "The ticket id.")
  var id: String

  @OptionGroup var text: TextOptions

  @Option(help: "The revision the comment is about.")
  var rev: Int?

  @Option(
    help: ArgumentHelp("The file the comment is about, from the top of the repository.", valueName: "path"))
  var file: String?

  @Option(help: ArgumentHelp("The line or lines of --file: L or L-M.", valueName: "lines"))
  var line: LineSpan?

  func validate() throws {
    if (file == nil) != (line == nil) { throw ValidationError("give --file and --line together") }
  }

  func run() throws {
    guard let body = try text.text() else {
      throw ValidationError("give the comment with -m TEXT or -F FILE")
    }
    let draft = try Draft()
    let (board, ticket) = try draft.board(around: id)
    guard rev != nil || file != nil else {
      try draft.comment(ticket.id, body)
      Output.line("Commented on \(board.shortID(ticket.id))")
      return
    }
    let change = try draft.comment(ticket.id, onRevision: rev, file: file, lines: line, body: body)
    let feedback = change.detail.feedback.last
    let place =
      feedback?.anchor.map { "\($0.path):\($0.span) in " }
      ?? ""
    Output.line(
      "Commented on \(Terminal.clean(place))revision \(feedback?.revisionNumber ?? 0) of \(board.shortID(ticket.id))"
    )
  }
}
