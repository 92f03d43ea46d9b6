import ArgumentParser
import DraftKit
import Glibc

struct WorkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "work",
    abstract: "Work the backlog unattended: run ready tickets, approve and merge them as policy allows.",
    discussion: """
      Loops next -> claim -> run -> verify -> (approve -> merge, when draft.autoApprove and \
      draft.autoMerge allow) -> next, until nothing is ready. Dependent tickets wait until their \
      blockers are done. Budgets (draft.budget.*) stop new runs; Ctrl-C stops the runs under way, \
      records them and releases their claims.
      """)

  @Option(help: "Start at most this many runs.")
  var max: Int?

  @Option(help: "Run up to this many independent tickets at once, each in its own worktree.")
  var parallel = 1

  @Option(help: "Only tickets with this label.")
  var label: String?

  @Flag(help: "When nothing is ready but planned tickets remain, wait for them instead of stopping.")
  var untilEmpty = false

  @Option(help: "With --until-empty, how often to look at the board again: 10s, 5m (default 30s).")
  var poll: LeaseArgument?

  @Option(help: "The agent (as for 'git draft run').")
  var executor: String?

  @Option(help: "The branch to base the work on and merge into (default: the current branch).")
  var target: String?

  @Option(help: "Stop each agent after this long: 90s, 30m, 2h (default: draft.timeout, else 30m).")
  var timeout: LeaseArgument?

  @Option(
    help: """
      How long each claim holds should this machine stop renewing it: 10m, 1h (default: the \
      timeout plus 30m). Claims are renewed every third of it, at most every 5 minutes.
      """)
  var lease: LeaseArgument?

  @OptionGroup var claimOptions: ClaimOptions

  @OptionGroup var colors: ColorOptions

  func run() throws {
    let draft = try Draft()
    let live = isatty(STDOUT_FILENO) == 1
    var view = WorkView(palette: live ? colors.palette(draft) : nil, width: Terminal.columns() ?? 100)
    var drawn = 0
    func show(_ lines: [String], final: Bool = false) {
      // The live block is redrawn in place: up over it, clear, log lines, then the block again.
      var text = drawn > 0 ? "\u{1b}[\(drawn)F\u{1b}[J" : ""
      let status = final ? [] : view.status()
      text += (lines + status).map { $0 + "\n" }.joined()
      drawn = status.count
      Output.write(text)
    }
    var options = WorkOptions(
      max: max, parallel: parallel, label: label, untilEmpty: untilEmpty, executor: executor, target: target,
      timeout: timeout?.seconds, lease: lease?.seconds, scope: claimOptions.scope)
    if let poll { options.pollInterval = poll.seconds }
    let summary = try draft.work(options) { event in
      let lines = view.apply(event)
      if live || !lines.isEmpty { show(lines) }
    }
    show(view.summary(summary), final: true)
    if summary.stopReason != nil { throw ExitCode(1) }
  }
}
