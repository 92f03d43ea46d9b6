import ArgumentParser
import DraftKit

struct GC: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gc",
    abstract:
      "Clean up after finished work: worktrees and branches of done and abandoned tickets, stale run files, expired claims; pack refs.",
    discussion:
      "Work that is saved nowhere else (uncommitted changes, unmerged commits) is kept and reported.")

  @Flag(help: "Show what would be done, changing nothing.")
  var dryRun = false

  func run() throws {
    let report = try Draft().collectGarbage(dryRun: dryRun)
    for action in report.actions { Output.line(Terminal.clean(action.description)) }
    Output.line(report.summary)
  }
}
