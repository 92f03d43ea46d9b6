import ArgumentParser
import DraftKit
import Glibc

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a ticket with a coding agent in its own worktree, then verify and record it.",
    discussion: """
      Claims the ticket, makes (or reuses) its worktree on branch draft/<id>-<title>, gives the agent \
      the ticket on standard input, commits what it leaves, runs the verify commands and records a \
      revision with evidence notes. Exits 0 when the ticket ends in needs_human, 1 otherwise.
      """)

  @Argument(help: "The ticket id (4 or more hex digits of it).")
  var id: String?

  @Flag(help: "Run the next ready ticket (as 'git draft next --claim' picks it).")
  var next = false

  @Option(
    help:
      "The agent: claude, codex, gemini, cursor-agent, opencode, aider, goose, qwen, amp, copilot, or one defined in git config."
  )
  var executor: String?

  @Option(help: "The branch to base the work on (default: the current branch).")
  var target: String?

  @Option(help: "Stop the agent after this long: 90s, 30m, 2h (default: draft.timeout, else 30m).")
  var timeout: LeaseArgument?

  @Flag(help: "Print the agent's progress as JSON Lines.")
  var json = false

  @OptionGroup var claimOptions: ClaimOptions

  @OptionGroup var colors: ColorOptions

  func validate() throws {
    if next == (id != nil) { throw ValidationError("name a ticket or give --next, not both") }
  }

  func run() throws {
    let draft = try Draft()
    var prefix = id ?? ""
    if next {
      let lease = Draft.defaultLease + (timeout?.seconds ?? Draft.defaultRunTimeout)
      guard case .ready(let claimed) = try draft.claimNext(lease: lease, scope: claimOptions.scope) else {
        throw DraftError(.notFound, "nothing is ready to run; 'git draft next' says why")
      }
      prefix = claimed[0].id
    }
    let style: RunView.Style =
      json
      ? .json
      : isatty(STDOUT_FILENO) == 1
        ? .terminal(width: Terminal.columns() ?? 100, palette: colors.palette(draft)) : .plain
    var view = RunView(style: style)
    let report = try draft.run(
      prefix,
      options: RunOptions(
        executor: executor, target: target, timeout: timeout?.seconds, scope: claimOptions.scope)
    ) { progress in
      for line in view.lines(for: progress) { Output.line(line) }
    }
    for line in view.finish(report, shortID: String(report.ticket.id.prefix(8))) { Output.line(line) }
    if !report.succeeded { throw ExitCode(1) }
  }
}
