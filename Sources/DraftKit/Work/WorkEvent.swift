/// What `git draft work` was asked for.
public struct WorkOptions: Sendable {
  /// Stop starting runs after this many.
  public var max: Int?
  /// Runs at once, each in its own worktree.
  public var parallel = 1
  public var label: String?
  /// Keep waiting while planned tickets remain (claimed elsewhere or waiting on blockers).
  public var untilEmpty = false
  public var executor: String?
  public var target: String?
  public var timeout: Int64?
  public var scope: ClaimScope
  /// Seconds between looks at the board while waiting (`untilEmpty`).
  public var pollInterval: Int64 = 30
  /// Seconds a claim holds without renewal (default: the run timeout plus `Draft.defaultLease`).
  /// Claims of tickets in flight are renewed every third of it, at most every 5 minutes.
  public var lease: Int64?

  public init(
    max: Int? = nil, parallel: Int = 1, label: String? = nil, untilEmpty: Bool = false,
    executor: String? = nil,
    target: String? = nil, timeout: Int64? = nil, lease: Int64? = nil, scope: ClaimScope
  ) {
    self.max = max
    self.parallel = parallel
    self.label = label
    self.untilEmpty = untilEmpty
    self.executor = executor
    self.target = target
    self.timeout = timeout
    self.lease = lease
    self.scope = scope
  }
}

/// Where a ticket in flight is.
public enum WorkPhase: String, Sendable {
  case starting, agent, verifying, merging
}

/// How one ticket's turn ended.
public enum WorkOutcome: String, Sendable, CaseIterable {
  /// Approved by policy and merged: the ticket is done.
  case merged
  /// Approved by policy, left for a person to merge (draft.autoMerge is off).
  case approved
  /// Passed verification, waiting for a person's review.
  case needsReview = "needs_review"
  /// The run did not pass, or the merge conflicted: the ticket is blocked.
  case blocked
  /// The run could not start (the reason says why); the ticket is as it was.
  case failed
}

/// One ticket's turn in the loop.
public struct WorkResult: Sendable {
  public var ticket: Ticket
  public var outcome: WorkOutcome
  public var revision: Revision?
  /// Why it was not approved, blocked or failed; or what was merged.
  public var detail: String?
  public var durationMS: Int
}

/// What the loop reports as it goes.
public enum WorkEvent: Sendable {
  case started(Ticket)
  case phase(ticket: String, WorkPhase)
  case agent(ticket: String, AgentEvent)
  case finished(WorkResult)
  /// Nothing is ready; with `untilEmpty` the loop waits and looks again.
  case waiting(String)
  /// No new runs start (budget, Ctrl-C, a run that could not start); those in flight finish.
  case stopping(String)
  /// Once a second, so a live view can update its clocks.
  case heartbeat
}

/// The end of `git draft work`.
public struct WorkSummary: Sendable {
  public var results: [WorkResult]
  /// Why the loop stopped before the queue was empty, if it did.
  public var stopReason: String?
  public var durationMS: Int

  public var spend: Spend { results.compactMap(\.revision).reduce(Spend()) { $0 + $1.spend } }
}
