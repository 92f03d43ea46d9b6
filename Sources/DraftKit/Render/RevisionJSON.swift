/// The `--json` contract for revisions (`show --json`'s `revisions`, `run --json`'s last line).
public enum RevisionJSON {
  public static func object(_ revision: Revision) -> JSONValue {
    func number(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
    func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    // The path is only meaningful where the worktree still exists.
    let worktree =
      FileSystem.exists(revision.worktree + "/.git") ? JSONValue.string(revision.worktree) : .null
    return .object([
      ("number", .int(revision.number)), ("base", .string(revision.base)), ("head", text(revision.head)),
      ("branch", .string(revision.branch)), ("target", .string(revision.target)),
      ("executor", .string(revision.executor)), ("model", text(revision.model)),
      ("session_id", text(revision.session)), ("outcome", .string(revision.outcome.rawValue)),
      ("reason", text(revision.reason)), ("exit_code", number(revision.exitCode)),
      ("duration_ms", .int(revision.durationMS)), ("input_tokens", number(revision.inputTokens)),
      ("output_tokens", number(revision.outputTokens)),
      ("cost_usd", revision.costUSD.flatMap(JSONValue.number) ?? .null),
      ("attempts", .int(revision.attempts)),
      ("files_changed", .int(revision.filesChanged)), ("insertions", .int(revision.insertions)),
      ("deletions", .int(revision.deletions)), ("machine", .string(revision.machine)), ("worktree", worktree),
      ("addressed", .array((revision.addressed ?? []).map(JSONValue.string))),
    ])
  }
}

extension Revision {
  /// `#2 passed  claude (sonnet)  3 files +40 -2  1m12s  12.3k tokens  $0.0123`
  public var line: String {
    var parts = [
      "#\(number) \(outcome.rawValue)", executor + (model.map { " (\(Terminal.clean($0)))" } ?? ""),
    ]
    if head != nil {
      parts.append("\(filesChanged) file\(filesChanged == 1 ? "" : "s") +\(insertions) -\(deletions)")
    }
    parts.append(Self.duration(milliseconds: durationMS))
    if let input = inputTokens, let output = outputTokens { parts.append("\(input + output) tokens") }
    if let costUSD { parts.append(Self.dollars(costUSD)) }
    if attempts > 1 { parts.append("\(attempts) attempts") }
    return parts.joined(separator: "  ")
  }

  static func duration(milliseconds: Int) -> String {
    let seconds = milliseconds / 1000
    if seconds < 60 { return milliseconds < 10_000 ? "\(Double(milliseconds / 100) / 10)s" : "\(seconds)s" }
    return seconds < 3600 ? "\(seconds / 60)m\(seconds % 60)s" : "\(seconds / 3600)h\(seconds / 60 % 60)m"
  }

  static func dollars(_ amount: Double) -> String {
    let cents = Int((amount * 10000).rounded())
    let fraction = String(cents % 10000)
    return "$\(cents / 10000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
  }
}
