import ArgumentParser
import DraftKit

struct BoardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "board", abstract: "Show the tickets as columns by state.")

  @Flag(name: .shortAndLong, help: "Include the done and abandoned columns.")
  var all = false

  @Option(help: "Cards per column (0: all).")
  var limit = 20

  @OptionGroup var colors: ColorOptions

  func run() throws {
    let draft = try Draft()
    let states = WorkflowState.allCases.filter { all || !$0.isClosed }
    let view = BoardView(
      states: states, width: Terminal.columns() ?? 100, limit: max(limit, 0), palette: colors.palette(draft))
    let board = try draft.board(selecting: view.cards)
    Output.warnInvalid(board)
    Output.keepUntilExit(board)
    Output.line(view.render(board))
  }
}
