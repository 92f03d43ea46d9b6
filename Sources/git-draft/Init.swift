import ArgumentParser
import DraftKit

struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Prepare the repository for git-draft (safe to run again).")

  func run() throws {
    let report = try Draft().initialize()
    let count = "\(report.tickets) ticket\(report.tickets == 1 ? "" : "s")"
    Output.line(
      report.created
        ? "Initialized git-draft in \(report.directory) (\(count))"
        : "git-draft is already set up in \(report.directory) (\(count)); nothing to do")
    if !report.invalid.isEmpty { Output.warn("\(report.invalid.count) invalid tickets are skipped") }
  }
}
