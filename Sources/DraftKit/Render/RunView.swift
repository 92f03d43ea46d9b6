/// What `git draft run` prints while it works: a compact view on a terminal (elapsed time,
/// tool calls, files, messages, tokens and cost so far), JSON Lines with `--json`, or plain
/// text when the output is not a terminal.
public struct RunView {
  public enum Style: Sendable {
    case terminal(width: Int, palette: Palette)
    case json
    case plain
  }

  let style: Style
  let started = Clock.milliseconds()
  var tally = AgentTally()
  var shownUsage = ""

  public init(style: Style) { self.style = style }

  /// The lines to print for one step of progress (none for some).
  public mutating func lines(for progress: RunProgress) -> [String] {
    if case .agent(let event) = progress { tally.add(event) }
    switch style {
    case .json: return [Self.json(progress)]
    case .plain: return plain(progress)
    case .terminal(let width, let palette): return terminal(progress, width: width, palette: palette)
    }
  }

  /// The last lines: the revision and where the ticket went.
  public func finish(_ report: RunReport, shortID: String) -> [String] {
    let revision = report.revision
    if case .json = style {
      var fields: [(String, JSONValue)] = [
        ("type", .string("revision")), ("ticket", .string(report.ticket.id)),
        ("state", .string(report.ticket.state.rawValue)),
      ]
      if case .object(let rest) = RevisionJSON.object(revision) { fields += rest }
      return [JSONValue.object(fields).serialized()]
    }
    var out = ["\(shortID): revision \(revision.line)"]
    if let reason = revision.reason, revision.outcome != .passed {
      out.append("  " + Terminal.clean(String(reason.suffix(300))).replacing("\n", with: " "))
    }
    out.append("  ticket is now \(report.ticket.state.rawValue); worktree \(report.worktree.path)")
    return out
  }

  static func json(_ progress: RunProgress) -> String {
    switch progress {
    case .started(let ticket, let worktree, let executor, let created):
      JSONValue.object([
        ("type", .string("run")), ("ticket", .string(ticket.id)), ("executor", .string(executor)),
        ("branch", .string(worktree.branch)), ("worktree", .string(worktree.path)),
        ("created", .bool(created)),
      ]).serialized()
    case .agent(let event): event.jsonLine
    case .retrying(let attempt, let delay, let reason):
      JSONValue.object([
        ("type", .string("retry")), ("attempt", .int(attempt)), ("delay_s", .int(Int(delay))),
        ("reason", .string(reason)),
      ]).serialized()
    case .verifying(let command):
      JSONValue.object([("type", .string("verify")), ("command", .string(command))]).serialized()
    }
  }

  private func plain(_ progress: RunProgress) -> [String] {
    switch progress {
    case .started(let ticket, let worktree, let executor, _):
      return ["running \(ticket.id.prefix(12)) with \(executor) in \(worktree.path)"]
    case .agent(let event):
      switch event {
      case .message(let text), .output(let text): return [Terminal.clean(text)]
      case .tool(let name, let detail):
        return ["tool: \(Terminal.clean(name)) \(Terminal.clean(detail ?? ""))"]
      case .error(let text): return ["error: \(Terminal.clean(text))"]
      default: return []
      }
    case .retrying(let attempt, let delay, _): return ["retrying (attempt \(attempt)) in \(delay)s"]
    case .verifying(let command): return ["verify: \(Terminal.clean(command))"]
    }
  }

  private mutating func terminal(_ progress: RunProgress, width: Int, palette: Palette) -> [String] {
    let seconds = (Clock.milliseconds() - started) / 1000
    let clock = palette.dim(
      Terminal.pad("\(seconds / 60):\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)", to: 6))
    func line(_ marker: String, _ text: String) -> [String] {
      [
        clock + marker + " "
          + Terminal.truncate(Terminal.clean(text).replacing("\n", with: " "), to: width - 9)
      ]
    }
    switch progress {
    case .started(let ticket, let worktree, let executor, let created):
      return [
        palette.bold("\(ticket.id.prefix(8)) \(Terminal.clean(ticket.title))"),
        palette.dim("\(executor) in \(worktree.path) (\(created ? "new" : "reused") \(worktree.branch))"),
      ]
    case .agent(let event):
      switch event {
      case .message(let text): return line(" ", text.split(separator: "\n").first.map(String.init) ?? "")
      case .tool(let name, let detail): return line(palette.label("▸"), "\(name) \(detail ?? "")")
      case .fileChanged(let path): return line(palette.label("✎"), path)
      case .error(let text): return line(palette.warning("!"), text)
      case .output(let text): return line(" ", text)
      case .usage:
        let usage = usageText
        guard usage != shownUsage, !usage.isEmpty else { return [] }
        shownUsage = usage
        return [clock + palette.dim("· " + usage)]
      case .started, .finished: return []
      }
    case .retrying(let attempt, let delay, let reason):
      return line(palette.warning("↻"), "retrying (attempt \(attempt)) in \(delay)s: \(reason)")
    case .verifying(let command): return line(palette.bold("✓?"), command)
    }
  }

  /// `12.3k tokens, $0.0123`
  var usageText: String {
    var parts: [String] = []
    let tokens = (tally.inputTokens ?? 0) + (tally.outputTokens ?? 0)
    if tokens > 0 { parts.append(Spend.tokens(tokens)) }
    if let cost = tally.costUSD { parts.append(Revision.dollars(cost)) }
    return parts.joined(separator: ", ")
  }
}
