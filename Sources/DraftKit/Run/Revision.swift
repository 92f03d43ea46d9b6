import GitKit

/// How a run ended, as the revision records it.
public enum RunOutcome: String, Codable, Sendable, CaseIterable {
  case passed
  case verifyFailed = "verify_failed"
  case agentFailed = "agent_failed"
  case noChanges = "no_changes"
  case cancelled
  case timedOut = "timed_out"

  /// Where the ticket goes after a run that ended this way.
  var nextState: WorkflowState { self == .passed ? .needsHuman : .blocked }
}

/// One agent run (or human hand-off) on a ticket: what it started from, what it produced and
/// what it cost. Stored as an op on the ticket, so revisions sync and merge like the rest of
/// it; the head commit is kept reachable by a ref under `refs/draft/revisions/`.
public struct Revision: Codable, Sendable, Equatable {
  /// 1, 2, ...: the revision's place in the ticket's replay order (not stored).
  public var number = 0
  public var base: String
  /// The commit the run produced; nil when it produced none.
  public var head: String?
  public var branch: String
  public var target: String
  public var executor: String
  public var model: String?
  public var session: String?
  public var outcome: RunOutcome
  /// Why the run did not pass: the failing verify command, the agent's error, "no changes".
  public var reason: String?
  public var exitCode: Int?
  public var durationMS: Int
  public var inputTokens: Int?
  public var outputTokens: Int?
  public var costUSD: Double?
  public var attempts: Int
  public var filesChanged: Int
  public var insertions: Int
  public var deletions: Int
  public var machine: String
  /// Where the worktree was made, on `machine`.
  public var worktree: String
  /// The ids of the feedback this revision was asked to address.
  public var addressed: [String]?
  /// When it was recorded (the op's time; set by replay, not stored).
  public var at: Int64 = 0

  enum CodingKeys: String, CodingKey {
    case base, head, branch, target, executor, model, session, outcome, reason, machine, worktree, attempts
    case addressed
    case exitCode = "exit_code"
    case durationMS = "duration_ms"
    case inputTokens = "input_tokens"
    case outputTokens = "output_tokens"
    case costUSD = "cost_usd"
    case filesChanged = "files_changed"
    case insertions, deletions
  }

  /// Checks a revision read from a ref: every field within what a run could have written.
  func problem() -> String? {
    let short = [branch, target, executor, model ?? "", session ?? "", machine]
    if short.contains(where: { $0.utf8.count > Limits.labelBytes }) { return "a revision field is too long" }
    if worktree.utf8.count > 4096 || (reason?.utf8.count ?? 0) > Limits.reasonBytes {
      return "a revision field is too long"
    }
    if let addressed, addressed.count > 10_000 || addressed.contains(where: { $0.utf8.count != 16 }) {
      return "a revision's addressed list is malformed"
    }
    if ObjectID(hex: base) == nil || head.map({ ObjectID(hex: $0) == nil }) == true {
      return "a revision's commit is not an object id"
    }
    let counts =
      [durationMS, attempts, filesChanged, insertions, deletions]
      + [exitCode, inputTokens, outputTokens]
      .compactMap { $0 }
    if counts.contains(where: { $0 < 0 }) || costUSD.map({ !($0 >= 0 && $0 < 1e9) }) == true {
      return "a revision's number is out of range"
    }
    return nil
  }
}

extension TicketDetail {
  /// The revision `number` names, or the latest when it is nil.
  public func revision(_ number: Int?) throws -> Revision {
    if let number {
      guard let revision = revisions.first(where: { $0.number == number }) else {
        throw DraftError(
          .notFound,
          revisions.isEmpty
            ? "ticket \(ticket.id.prefix(12)) has no revisions yet; 'git draft run' makes one"
            : "ticket \(ticket.id.prefix(12)) has no revision \(number); it has 1-\(revisions.count)")
      }
      return revision
    }
    guard let latest = revisions.last else {
      throw DraftError(
        .notFound, "ticket \(ticket.id.prefix(12)) has no revisions yet; 'git draft run' makes one")
    }
    return latest
  }
}
