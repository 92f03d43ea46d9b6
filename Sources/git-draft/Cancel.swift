import ArgumentParser
import DraftKit

struct Cancel: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Stop a ticket's run in progress in this clone; the run is recorded as cancelled.")

  @Argument(help: "The ticket id.")
  var id: String

  func run() throws {
    let ticket = try Draft().cancel(id)
    Output.line("stopping the run of \(ticket.id.prefix(12)); it records itself as cancelled")
  }
}
