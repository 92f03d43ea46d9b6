import ArgumentParser
import DraftKit

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a ticket's verify commands in its worktree and record the evidence.",
    discussion: """
      The commands are the team's (draft.verify in .gitdraft on the target branch) followed by \
      this clone's (git config --add draft.verify CMD). Exits 1 when one fails.
      """)

  @Argument(help: "The ticket id (default: the ticket whose worktree this is).")
  var id: String?

  @Flag(help: "Print a JSON object.")
  var json = false

  func run() throws {
    let report = try Draft().verify(id)
    if json {
      Output.line(
        JSONValue.object([
          ("ticket", .string(report.ticket.id)), ("commit", .string(report.commit.hex)),
          ("passed", .bool(report.passed)),
          (
            "results",
            .array(
              report.results.map { .raw($0.evidence(ticket: report.ticket.id, revision: report.revision)) })
          ),
        ]).serialized(pretty: true))
    } else {
      for result in report.results {
        Output.line("\(result.passed ? "ok  " : "FAIL") \(Terminal.clean(result.command))")
        if !result.passed { Output.write(Terminal.clean(result.output)) }
      }
      Output.line(report.summary)
    }
    if !report.passed { throw ExitCode(1) }
  }
}
