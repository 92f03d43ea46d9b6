import ArgumentParser
import DraftKit

struct Import: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Create tickets from JSON Lines (the fields of 'list --json'; 'key' names a line).")

  @Argument(help: "The file to read, or '-' for standard input.")
  var file: String

  func run() throws {
    let summary = try Draft().importTickets(try TextInput.readBytes(file))
    var text = "Imported \(summary.ids.count) ticket\(summary.ids.count == 1 ? "" : "s")"
    if summary.alreadyPresent > 0 {
      text += "; \(summary.alreadyPresent) already on this board, left as they were"
    }
    Output.line(text)
  }
}
