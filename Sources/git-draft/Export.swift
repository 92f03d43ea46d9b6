import ArgumentParser
import DraftKit

struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print every ticket as JSON Lines, with comments, for 'git draft import'.")

  func run() throws {
    let draft = try Draft()
    Output.warnInvalid(try draft.board())
    Output.write(try draft.exportTickets().map { $0 + "\n" }.joined())
  }
}
