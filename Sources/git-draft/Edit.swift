import ArgumentParser
import DraftKit

struct Edit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Change a ticket's title, body, priority or labels.")

  @Argument(help: "The ticket id.")
  var id: String

  @Option(parsing: .unconditional, help: "The new title.")
  var title: String?

  @OptionGroup var body: TextOptions

  @Option(name: .shortAndLong, help: "0-4 or critical, high, medium, low, backlog.")
  var priority: PriorityArgument?

  @Option(name: .customLong("add-label"), help: "Add a label (repeatable).")
  var addLabel: [String] = []

  @Option(name: .customLong("remove-label"), help: "Remove a label (repeatable).")
  var removeLabel: [String] = []

  func validate() throws {
    if title == nil && body.message == nil && body.file == nil && priority == nil && addLabel.isEmpty
      && removeLabel.isEmpty
    {
      throw ValidationError("nothing to edit; give --title, -m, -F, -p, --add-label or --remove-label")
    }
  }

  func run() throws {
    let draft = try Draft()
    let ticket = try draft.board(around: id).ticket
    var edit = TicketEdit()
    edit.title = title
    edit.body = try body.text()
    edit.priority = priority?.value
    edit.addLabels = addLabel
    edit.removeLabels = removeLabel
    let change = try draft.edit(ticket.id, edit)
    let short = try draft.board(around: ticket.id).board.shortID(ticket.id)
    Output.line(change.changed ? "Edited \(short)" : "\(short) unchanged: it already is as asked")
  }
}
