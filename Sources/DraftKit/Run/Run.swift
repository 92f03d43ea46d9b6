import GitKit
import Glibc

/// What `git draft run` was asked for beyond the ticket.
public struct RunOptions: Sendable {
  public var executor: String?
  /// The branch the work is based on and will be merged into.
  public var target: String?
  /// Seconds the agent may take (per attempt); else `draft.timeout`.
  public var timeout: Int64?
  public var scope: ClaimScope = .automatic(remote: nil)
  /// What today has spent, when the caller keeps count (`work`), so each run need not read it.
  var spentToday: Spend?

  public init(executor: String? = nil, target: String? = nil, timeout: Int64? = nil, scope: ClaimScope) {
    self.executor = executor
    self.target = target
    self.timeout = timeout
    self.scope = scope
  }
}

/// What a run reports while it works.
public enum RunProgress: Sendable {
  case started(ticket: Ticket, worktree: TicketWorktree, executor: String, created: Bool)
  case agent(AgentEvent)
  case retrying(attempt: Int, delay: Int64, reason: String)
  case verifying(String)
}

/// How a run ended.
public struct RunReport: Sendable {
  public var ticket: Ticket
  public var revision: Revision
  public var worktree: TicketWorktree
  public var verification: [VerifyResult]
  public var finalMessage: String?
  public var succeeded: Bool { revision.outcome == .passed }
}

extension Draft {
  /// Runs a ticket with a coding agent: claim, worktree, prompt, agent, commit, verify, then a
  /// revision, evidence notes and the ticket's next state. Everything that can refuse the run
  /// is checked before anything is written.
  public func run(_ prefix: String, options: RunOptions, progress: (RunProgress) -> Void = { _ in }) throws
    -> RunReport
  {
    let (board, found) = try board(around: prefix)
    let detail = try detail(id: found.id)
    let ticket = detail.ticket
    let id = ticket.id
    let short = board.shortID(id)
    guard ticket.state == .executing || ticket.state.canMove(to: .executing) else {
      throw DraftError(
        .invalidInput,
        "ticket \(short) is \(ticket.state.rawValue) and cannot be run; 'git draft move \(short) planned' first"
      )
    }
    let marker = try markRun(id, short: short)
    Glibc.unlink(cancelFile(id))
    defer {
      Glibc.unlink(marker)
      Glibc.unlink(cancelFile(id))
    }
    let settings = try RunSettings(self)
    let author = try author()
    let machine = try machineName()
    let target = try targetBranch(options.target ?? detail.revisions.last?.target)
    guard let targetTip = try git({ try repository.referenceTarget("refs/heads/" + target) }) else {
      throw DraftError(.notFound, "no branch '\(target)' to base the work on; name one with --target")
    }
    let team = try team(at: targetTip)
    let executor = try ExecutorSpec.choose(
      requested: options.executor, configuration: try configuration(),
      path: getenv("PATH").map { String(cString: $0) }, teamDefault: team.executor)
    let worktree = try worktree(for: ticket, configured: settings.worktreeDirectory)
    let verifyCommands = team.verify + settings.localVerify
    let copied = team.copyFiles + settings.copyFiles
    try Self.checkCopyable(copied)
    let timeout = options.timeout ?? settings.timeout
    let budget = try budget()
    let ticketSpend = detail.revisions.reduce(Spend()) { $0 + $1.spend }
    let daySpend = budget.day == Budget.Limit() ? Spend() : try options.spentToday ?? spentToday()
    if let reason = budget.exhausted(ticket: ticketSpend, day: daySpend) {
      throw DraftError(.invalidInput, "\(reason); no new run starts (see draft.budget.* in git config)")
    }

    // A claim this worker already holds for long enough (`run --next` just took it) stands.
    let lease = Self.defaultLease + timeout
    let held = ticket.activeClaim().map {
      $0.isHeld(by: author, on: machine) && $0.until >= EntityStore.now() + timeout
    }
    if held != true, case .held(let claim) = try claim(id, lease: lease, renew: true, scope: options.scope) {
      throw DraftError(.invalidInput, "ticket \(short) is claimed by \(claim.display); it is being worked")
    }
    let created: Bool
    let start: ObjectID
    do {
      created = try prepare(worktree, base: targetTip, copying: copied)
      start = try worktreeHead(worktree.path)
      try change(id) { current in
        if current.ticket.state == .executing { return [] }
        guard current.ticket.state.canMove(to: .executing) else {
          throw DraftError(
            .invalidInput, "ticket \(short) moved to \(current.ticket.state.rawValue) meanwhile")
        }
        return [.move(from: current.ticket.state, to: .executing, reason: "run by \(executor.spec.name)")]
      }
    } catch {
      _ = try? release(id, scope: options.scope)
      throw error
    }

    // From here on the run is recorded however it ends.
    let number = detail.revisions.count + 1
    Interruption.install()
    progress(.started(ticket: ticket, worktree: worktree, executor: executor.spec.name, created: created))

    let dependencies = ticket.blockedBy.compactMap { board.ticket($0) }.filter { $0.state == .done }
    let feedback = detail.openFeedback
    let merging =
      try feedback.contains { $0.kind == .conflict } ? startMerge(of: target, in: worktree.path) : nil
    let prompt = Prompt(
      ticket: ticket, comments: detail.comments, dependencies: dependencies, previous: detail.revisions.last,
      feedback: try feedback.map { ($0, try locate($0, in: detail)) }, merging: merging,
      verify: verifyCommands, worktree: worktree, revision: number
    ).text
    let promptFile = runsDirectory + "/\(id).prompt"
    try FileSystem.write(Array(prompt.utf8), to: promptFile)
    defer { Glibc.unlink(promptFile) }
    let resume = detail.revisions.last { $0.executor == executor.spec.name && $0.session != nil }?.session

    var evidence: [String] = []
    let agent = try runAgent(
      executor, prompt: prompt, promptFile: promptFile, resume: executor.spec.supportsResume ? resume : nil,
      in: worktree.path, ticket: id, number: number, timeout: timeout, settings: settings,
      evidence: &evidence,
      stopWhen: { spent in
        self.cancelRequested(id) ?? budget.stopReason(run: spent, ticket: ticketSpend, day: daySpend)
      },
      progress: progress)

    var revision = Revision(
      base: start.hex, branch: worktree.branch, target: target, executor: executor.spec.name,
      model: agent.tally.model ?? executor.model, session: agent.tally.session, outcome: .passed,
      exitCode: agent.exitCode, durationMS: agent.durationMS, inputTokens: agent.tally.inputTokens,
      outputTokens: agent.tally.outputTokens, costUSD: agent.tally.costUSD, attempts: agent.attempts,
      filesChanged: 0, insertions: 0, deletions: 0, machine: machine, worktree: worktree.path)
    revision.number = number
    var verification: [VerifyResult] = []
    switch agent.ending {
    case .cancelled:
      revision.outcome = .cancelled
      revision.reason = "cancelled"
    case .stopped(let reason):
      revision.outcome = .cancelled
      revision.reason = reason
    case .timedOut:
      revision.outcome = .timedOut
      revision.reason = "timed out after \(timeout) s"
    case .exited(let code):
      // What the agent left uncommitted is committed on the ticket's branch, failed or not,
      // so the revision holds everything it did.
      do {
        if let merging { try checkResolved(merging, in: worktree.path) }
        try commitLeftovers(
          in: worktree.path, ticket: id, number: number, title: ticket.title, author: author, except: copied)
      } catch let error as DraftError {
        revision.outcome = .agentFailed
        revision.reason = error.message
      }
      if code != 0 || agent.tally.reportedError != nil {
        revision.outcome = .agentFailed
        var detail = agent.tally.reportedError ?? agent.errorsTail
        while detail.last?.isWhitespace == true { detail.removeLast() }
        revision.reason = "exit \(code)" + (detail.isEmpty ? "" : ": " + String(detail.suffix(2000)))
      }
    }
    let end = try worktreeHead(worktree.path)
    if end != start {
      revision.head = end.hex
      let stat = try git { try repository.diffStat(from: start, to: end) }
      (revision.filesChanged, revision.insertions, revision.deletions) =
        (stat.files.count, stat.insertions, stat.deletions)
      evidence.append(stat.evidence(ticket: id, revision: number, base: start, head: end))
      // The code travels with the board: a ref under refs/draft/ keeps it reachable.
      try git {
        try repository.setReference(Self.revisionRef(id, end), to: end, message: "git-draft: revision")
      }
    }
    if revision.outcome == .passed && revision.head == nil {
      revision.outcome = .noChanges
      revision.reason = "no changes"
    }
    if revision.outcome == .passed {
      verification = try verify(
        verifyCommands, in: worktree.path, ticket: id, settings: settings,
        stopWhen: { self.cancelRequested(id) }
      ) {
        progress(.verifying($0))
      }
      if let failed = verification.first(where: { !$0.passed }) {
        revision.outcome = failed.ending == .cancelled ? .cancelled : .verifyFailed
        revision.reason = failed.failure
      }
    }
    if let message = agent.tally.finalMessage {
      evidence.append(
        EvidenceRecord.line("message", ticket: id, revision: number, [("text", .string(message))]))
    }
    evidence += verification.map { $0.evidence(ticket: id, revision: number) }
    try recordEvidence(evidence, on: end)

    // Feedback counts as addressed once the agent finished its work on it, verified or not.
    if !feedback.isEmpty && (revision.outcome == .passed || revision.outcome == .verifyFailed) {
      revision.addressed = feedback.map(\.id)
    }
    let recorded = revision
    let change = try change(id) { current in
      var ops: [Operation] = [.revision(recorded)]
      if current.ticket.state == .executing {
        ops.append(.move(from: .executing, to: recorded.outcome.nextState, reason: recorded.reason))
      }
      if let claim = current.ticket.activeClaim(), claim.isHeld(by: author, on: machine) {
        ops.append(.release(machine: machine, force: false))
      }
      return ops
    }
    return RunReport(
      ticket: change.detail.ticket, revision: change.detail.revisions.last ?? revision, worktree: worktree,
      verification: verification, finalMessage: agent.tally.finalMessage)
  }

  /// The ref that keeps a revision's commit reachable (and carries it with sync).
  static func revisionRef(_ ticket: String, _ commit: ObjectID) -> String {
    "refs/draft/revisions/\(ticket)/\(commit.hex)"
  }

  /// The branch to base work on: the one named, else the current branch.
  func targetBranch(_ named: String?) throws -> String {
    if let named { return named.hasPrefix("refs/heads/") ? String(named.dropFirst(11)) : named }
    guard let current = repository.currentBranch() else {
      throw DraftError(
        .invalidInput, "HEAD is not on a branch; name the branch to base the work on with --target")
    }
    return current
  }

  func worktreeHead(_ path: String) throws -> ObjectID {
    let output = try runGit(["rev-parse", "--verify", "HEAD"], in: path).output
    guard let head = ObjectID(hex: String(output.prefix(40))) else {
      throw DraftError(.git, "cannot read HEAD of the worktree \(path)")
    }
    return head
  }

  /// Commits everything the agent left in the worktree, with the ticket's trailers, except the
  /// files copied in that git does not track (an `.env` must not end up in a commit).
  private func commitLeftovers(
    in path: String, ticket: String, number: Int, title: String, author: Person, except copied: [String]
  ) throws {
    try runGit(["add", "--all", "--", "."] + excludingCopies(copied, in: path), in: path)
    // A merge in progress is concluded even when its tree equals the branch's.
    guard
      try isMerging(in: path)
        || runGit(["diff", "--cached", "--quiet"], in: path, allowFailure: true).status == 1
    else { return }
    let subject = Terminal.clean(String(title.prefix(72)))
    let message = "\(subject)\n\nDraft-Ticket: \(ticket)\nDraft-Revision: \(number)\n"
    let file = runsDirectory + "/\(ticket).message"
    try FileSystem.write(Array(message.utf8), to: file)
    defer { Glibc.unlink(file) }
    try runGit(
      ["commit", "--quiet", "--no-verify", "--file", file], in: path,
      environment: [
        "GIT_AUTHOR_NAME=\(author.name)", "GIT_AUTHOR_EMAIL=\(author.email)",
        "GIT_COMMITTER_NAME=\(author.name)", "GIT_COMMITTER_EMAIL=\(author.email)",
      ])
  }
}
