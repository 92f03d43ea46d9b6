import ArgumentParser
import DraftKit

struct Sync: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fetch the board from a remote, merge it, and push the result back.",
    discussion: "REMOTE defaults to the current branch's remote, else origin.")

  @Argument(help: "A remote name, URL or path.")
  var remote: String?

  func run() throws {
    let report = try Draft().sync(with: remote)
    Output.warnInvalid(report.invalid)
    Output.line(report.summary)
  }
}

struct Pull: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fetch the board from a remote and merge it (no push).")

  @Argument(help: "A remote name, URL or path.")
  var remote: String?

  func run() throws {
    let report = try Draft().pull(from: remote)
    Output.warnInvalid(report.invalid)
    Output.line(report.summary)
  }
}

struct Push: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Push local board changes to a remote (fast-forwards only; never forced).")

  @Argument(help: "A remote name, URL or path.")
  var remote: String?

  func run() throws {
    let report = try Draft().push(to: remote)
    Output.warnInvalid(report.invalid)
    Output.line(report.summary)
  }
}
