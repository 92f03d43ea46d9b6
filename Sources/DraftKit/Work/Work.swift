import Dispatch
import GitKit
import Glibc
import Synchronization

extension Draft {
  /// The autopilot: picks the next ready ticket, claims it, runs it, and approves and merges it
  /// when the policy allows; then the next, up to `parallel` at once. Picking, claiming and
  /// renewing happen on this thread; each run works on its own thread with its own repository
  /// handle and worktree. Ctrl-C (or a budget) stops new runs; runs under way stop themselves
  /// and are recorded, and their claims released, before this returns.
  public func work(_ options: WorkOptions, events: (WorkEvent) -> Void) throws -> WorkSummary {
    guard options.parallel >= 1 else { throw DraftError(.invalidInput, "--parallel must be 1 or more") }
    if let max = options.max, max < 1 { throw DraftError(.invalidInput, "--max must be 1 or more") }
    let policy = try workPolicy()
    let budget = try budget()
    if policy.autoMerge { _ = try configuredMergeStrategy() }
    let target = try targetBranch(options.target)
    let path = repository.workingDirectory ?? repository.commonDirectory
    let timeout = try options.timeout ?? RunSettings(self).timeout
    let lease = options.lease ?? Self.defaultLease + timeout
    guard lease >= 1 else { throw DraftError(.invalidInput, "--lease must be 1s or more") }
    let renewInterval = Swift.max(1, Swift.min(5 * 60, lease / 3))
    let runOptions = RunOptions(
      executor: options.executor, target: target, timeout: timeout, scope: options.scope)

    Interruption.install()
    let started = Clock.milliseconds()
    let mailbox = Mailbox()
    let mergeLock = Lock()
    var inFlight: [String: Ticket] = [:]
    var tried = Set<String>()
    var results: [WorkResult] = []
    var stopReason: String?
    var runs = 0
    var daySpend = budget.day == Budget.Limit() ? Spend() : try spentToday()
    var lookAt = 0
    var renewedAt = started
    var heartbeat = started

    while true {
      for message in mailbox.take() {
        switch message {
        case .event(let event): events(event)
        case .finished(let result):
          inFlight[result.ticket.id] = nil
          results.append(result)
          daySpend = daySpend + (result.revision?.spend ?? Spend())
          events(.finished(result))
          if result.outcome == .failed, stopReason == nil {
            stopReason = result.detail ?? "a run could not start"
            events(.stopping(stopReason!))
          }
          lookAt = 0
        }
      }
      if stopReason == nil {
        if Interruption.requested {
          stopReason = "interrupted; waiting for the runs under way to stop and be recorded"
        } else if let reason = budget.exhausted(ticket: Spend(), day: daySpend) {
          stopReason = reason
        }
        if let stopReason { events(.stopping(stopReason)) }
      }
      let now = Clock.milliseconds()
      var idle = true
      if stopReason == nil, runs < options.max ?? .max, inFlight.count < options.parallel, now >= lookAt {
        do {
          if let ticket = try claimReady(
            options, lease: lease, budget: budget, skipping: tried.union(inFlight.keys))
          {
            tried.insert(ticket.id)
            inFlight[ticket.id] = ticket
            runs += 1
            idle = false
            events(.started(ticket))
            var turnOptions = runOptions
            turnOptions.spentToday = daySpend
            let (id, options) = (ticket.id, turnOptions)
            DispatchQueue.global().async {
              mailbox.post(
                .finished(
                  Self.turn(id, ticket, path: path, options: options, policy: policy, mergeLock: mergeLock) {
                    mailbox.post(.event($0))
                  }))
            }
            continue
          }
          lookAt = now + 1000
          if inFlight.isEmpty {
            // While waiting, what other clones did arrives through the remote claims go to.
            if options.untilEmpty, case .automatic(let remote) = options.scope { _ = try? pull(from: remote) }
            guard options.untilEmpty, let waiting = try whyWaiting(options.label, skipping: tried) else {
              break
            }
            events(.waiting(waiting))
            lookAt = now + Int(options.pollInterval) * 1000
          }
        } catch let error as DraftError {
          stopReason = error.message
          events(.stopping(error.message))
        }
      }
      if inFlight.isEmpty && (stopReason != nil || runs >= options.max ?? .max) { break }
      if now - renewedAt >= Int(renewInterval) * 1000 {
        renewedAt = now
        for id in inFlight.keys { _ = try? renewClaim(id, lease: lease, scope: options.scope) }
      }
      if now - heartbeat >= 1000 {
        heartbeat = now
        events(.heartbeat)
      }
      if idle { usleep(50_000) }
    }
    return WorkSummary(results: results, stopReason: stopReason, durationMS: Clock.milliseconds() - started)
  }

  /// Claims the first ready ticket not yet tried that its budget still allows; nil when none.
  private func claimReady(_ options: WorkOptions, lease: Int64, budget: Budget, skipping: Set<String>) throws
    -> Ticket?
  {
    guard case .ready(let queue) = try next(label: options.label).result else { return nil }
    for ticket in queue where !skipping.contains(ticket.id) {
      if budget.ticket != Budget.Limit() {
        let spent = try detail(id: ticket.id).revisions.reduce(Spend()) { $0 + $1.spend }
        if budget.exhausted(ticket: spent, day: Spend()) != nil { continue }
      }
      if case .granted(let claimed) = try claim(ticket.id, lease: lease, renew: false, scope: options.scope) {
        return claimed
      }
    }
    return nil
  }

  /// Why the loop should keep waiting: planned tickets it has not tried remain (claimed
  /// elsewhere, or waiting for blockers). Nil when there is nothing left to wait for.
  private func whyWaiting(_ label: String?, skipping: Set<String>) throws -> String? {
    let (board, result) = try next(label: label)
    if case .nothingReady(let reason) = result {
      let left = board.tickets.contains {
        $0.state == .planned && !skipping.contains($0.id) && (label.map($0.labels.contains) ?? true)
      }
      return left ? reason : nil
    }
    return nil
  }

  /// One ticket's turn, on a worker thread: run it, then approve and merge it if the policy
  /// allows. Never throws: what went wrong is the result's detail.
  private static func turn(
    _ id: String, _ ticket: Ticket, path: String, options: RunOptions, policy: WorkPolicy, mergeLock: Lock,
    post: (WorkEvent) -> Void
  ) -> WorkResult {
    let started = Clock.milliseconds()
    func result(_ outcome: WorkOutcome, _ ticket: Ticket, _ revision: Revision?, _ detail: String?)
      -> WorkResult
    {
      WorkResult(
        ticket: ticket, outcome: outcome, revision: revision, detail: detail,
        durationMS: Clock.milliseconds() - started)
    }
    let draft: Draft
    do { draft = try Draft(at: path) } catch { return result(.failed, ticket, nil, "\(error)") }
    let report: RunReport
    do {
      report = try draft.run(id, options: options) { progress in
        switch progress {
        case .started: post(.phase(ticket: id, .agent))
        case .agent(let event): post(.agent(ticket: id, event))
        case .retrying: post(.phase(ticket: id, .agent))
        case .verifying: post(.phase(ticket: id, .verifying))
        }
      }
    } catch {
      // The run did not start: the claim this loop took must not outlive it.
      _ = try? draft.release(id, scope: options.scope)
      return result(.failed, ticket, nil, "\(error)")
    }
    let revision = report.revision
    guard report.succeeded else { return result(.blocked, report.ticket, revision, revision.reason) }
    do {
      if let blocker = policy.approvalBlocker(revision, try draft.wholeChange(of: revision)) {
        return result(.needsReview, report.ticket, revision, "not approved automatically: \(blocker)")
      }
      var ticket = try draft.approve(id, message: "approved by git draft work (draft.autoApprove)").detail
        .ticket
      guard policy.autoMerge else { return result(.approved, ticket, revision, nil) }
      post(.phase(ticket: id, .merging))
      let merge = try mergeLock.holding { try draft.merge(id, options: MergeOptions()) }
      ticket = merge.ticket
      switch merge.result {
      case .merged(let commit, _):
        return result(.merged, ticket, revision, "merged into \(merge.target) as \(commit.prefix(12))")
      case .conflicted(let paths):
        return result(
          .blocked, ticket, revision,
          "merge into \(merge.target) conflicts in \(paths.joined(separator: ", "))")
      }
    } catch {
      // Approval or merge failed (a dirty target, say): say how far the ticket got.
      guard let now = try? draft.detail(id: id) else {
        return result(.needsReview, report.ticket, revision, "\(error)")
      }
      let outcome: WorkOutcome =
        now.ticket.state == .done ? .merged : now.approvedRevision != nil ? .approved : .needsReview
      return result(outcome, now.ticket, revision, "not merged: \(error)")
    }
  }

  /// The revision's whole change against its target (from their merge base): what a reviewer
  /// would merge, whichever run made which part.
  func wholeChange(of revision: Revision) throws -> DiffStat {
    guard let head = revision.head.flatMap(ObjectID.init(hex:)) else {
      throw DraftError(.notFound, "revision \(revision.number) made no commit")
    }
    let output = try runGit(
      ["merge-base", "refs/heads/" + revision.target, head.hex], in: repository.commonDirectory
    )
    .output
    let base = ObjectID(hex: String(output.prefix(40))) ?? head
    return try git { try repository.diffStat(from: base, to: head) }
  }
}

/// Messages from the worker threads to the loop.
private final class Mailbox: Sendable {
  enum Message: Sendable {
    case event(WorkEvent)
    case finished(WorkResult)
  }

  private let messages = Mutex<[Message]>([])

  func post(_ message: Message) { messages.withLock { $0.append(message) } }

  func take() -> [Message] {
    messages.withLock { taken in
      defer { taken.removeAll() }
      return taken
    }
  }
}

/// Merges into one target one at a time: each updates the target's ref and worktree.
private final class Lock: Sendable {
  private let mutex = Mutex(())

  func holding<T: Sendable>(_ body: () throws -> T) throws -> T {
    try mutex.withLock { _ in try body() }
  }
}
