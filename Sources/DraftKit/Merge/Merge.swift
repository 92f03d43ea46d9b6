import GitKit

/// How `git draft merge` puts a revision on its target branch. Every commit it adds carries
/// the ticket's `Draft-Ticket` trailer.
public enum MergeStrategy: String, CaseIterable, Sendable {
  /// A merge commit `Merge ticket <id>: <title>`.
  case merge
  /// One commit with the revision's changes, titled as the ticket.
  case squash
  /// The revision's commits replayed onto the target, keeping their authors and messages.
  case rebase
  /// The target moves to the revision's head; only when the target has not moved since.
  case ff
}

/// What `git draft merge` was asked for beyond the ticket.
public struct MergeOptions: Sendable {
  /// Nil: `draft.mergeStrategy`, else merge.
  public var strategy: MergeStrategy?
  /// Merge the latest revision with commits even when it is not approved.
  public var force: Bool
  /// Keep the ticket's branch (else `draft.deleteBranch` decides; it defaults to true).
  public var keepBranch: Bool

  public init(strategy: MergeStrategy? = nil, force: Bool = false, keepBranch: Bool = false) {
    self.strategy = strategy
    self.force = force
    self.keepBranch = keepBranch
  }
}

public enum MergeResult: Sendable, Equatable {
  /// The target now points at `commit` (its old tip when it already had the work); the ticket
  /// is done.
  case merged(commit: String, removal: Draft.WorktreeRemoval)
  /// Nothing was merged; the conflict is recorded on the ticket, which is blocked.
  case conflicted(paths: [String])
}

/// How a merge ended.
public struct MergeReport: Sendable {
  public var ticket: Ticket
  public var revision: Revision
  public var target: String
  public var strategy: MergeStrategy
  public var result: MergeResult
}

extension Draft {
  /// The strategy `draft.mergeStrategy` names, else merge.
  public func configuredMergeStrategy() throws -> MergeStrategy {
    guard let value = try git({ try configuration().string("draft.mergeStrategy") }) else { return .merge }
    guard let strategy = MergeStrategy(rawValue: value) else {
      throw DraftError(
        .invalidInput,
        "draft.mergeStrategy is '\(value)'; use \(MergeStrategy.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    return strategy
  }

  /// Merges a ticket's approved revision into its target branch, then marks the ticket done
  /// and removes its worktree and branch. The result is computed in the object database and
  /// the target moves only when it is clean; a conflict changes no branch or worktree and is
  /// recorded instead (feedback, evidence, the ticket blocked), for the next run to resolve.
  /// Everything that can refuse the merge is checked before anything is written.
  public func merge(_ prefix: String, options: MergeOptions) throws -> MergeReport {
    let (board, found) = try board(around: prefix)
    let detail = try detail(id: found.id)
    let id = found.id
    let short = board.shortID(id)
    try Self.checkMergeable(detail, short: short)
    let revision = try Self.revisionToMerge(detail, force: options.force, short: short)
    let strategy = try options.strategy ?? configuredMergeStrategy()
    guard let head = revision.head.flatMap(ObjectID.init(hex:)),
      (try? git({ try repository.readCommit(head) })) != nil
    else {
      throw DraftError(
        .notFound,
        "the commit of revision \(revision.number) is not in this clone; 'git draft sync' fetches it")
    }
    let target = revision.target
    guard let targetTip = try git({ try repository.referenceTarget("refs/heads/" + target) }) else {
      throw DraftError(.notFound, "no branch '\(target)' to merge into; create or fetch it first")
    }
    let checkout = try cleanCheckout(of: target)
    let config = try configuration()
    let copied = try team(at: targetTip).copyFiles + git({ try config.strings("draft.copyFiles") })
    let deleteBranch = try !options.keepBranch && (git { try config.bool("draft.deleteBranch") } ?? true)
    let sign = try git { try config.bool("commit.gpgSign") } ?? false

    let outcome: TreeMerge.Outcome
    if try git({ try repository.contains(head, in: targetTip) }) {
      outcome = .commit(targetTip)
    } else {
      let merger = TreeMerge(
        draft: self, ticket: id, short: short, title: detail.ticket.title, revision: revision,
        committer: try author(), sign: sign
      )
      outcome = try merger.merge(strategy, head: head, into: targetTip)
    }
    var report = MergeReport(
      ticket: detail.ticket, revision: revision, target: target, strategy: strategy,
      result: .conflicted(paths: []))
    let fields: [(String, JSONValue)] = [
      ("target", .string(target)), ("target_tip", .string(targetTip.hex)),
      ("strategy", .string(strategy.rawValue)),
    ]
    switch outcome {
    case .conflict(let paths):
      report.ticket = try recordConflict(
        paths, ticket: id, revision: revision.number, head: head, target: target, evidence: fields,
        short: short)
      report.result = .conflicted(paths: paths)
    case .commit(let commit):
      if commit != targetTip {
        try advance(
          target, from: targetTip, to: commit, checkedOutIn: checkout,
          message: "git-draft: merge ticket \(short)")
      }
      try recordEvidence(
        [
          EvidenceRecord.line(
            "merge", ticket: id, revision: revision.number, fields + [("commit", .string(commit.hex))])
        ],
        on: head)
      report.ticket =
        try change(id) { current in
          guard current.ticket.state != .done, current.ticket.state.canMove(to: .done) else { return [] }
          return [
            .move(
              from: current.ticket.state, to: .done, reason: "merged into \(target) (\(strategy.rawValue))")
          ]
        }
        .detail.ticket
      // The merge stands whatever happens to the worktree: a failure to remove it is reported.
      var removal: WorktreeRemoval
      do {
        removal = try removeWorktree(branch: revision.branch, deleteBranch: deleteBranch, copied: copied)
      } catch let error as DraftError {
        removal = WorktreeRemoval()
        removal.kept = error.message
      }
      report.result = .merged(commit: commit.hex, removal: removal)
    }
    return report
  }

  /// Only a ticket waiting for a human can be merged.
  private static func checkMergeable(_ detail: TicketDetail, short: String) throws {
    switch detail.ticket.state {
    case .needsHuman: return
    case .done: throw DraftError(.invalidInput, "ticket \(short) is done: already merged")
    case .blocked where detail.openFeedback.contains { $0.kind == .conflict }:
      throw DraftError(
        .invalidInput,
        "ticket \(short) is blocked by a merge conflict; 'git draft run \(short)' asks the agent to resolve it"
      )
    case let state:
      throw DraftError(
        .invalidInput, "ticket \(short) is \(state.rawValue); only a needs_human ticket can be merged")
    }
  }

  /// The approved revision, or with `force` the latest one that made commits.
  private static func revisionToMerge(_ detail: TicketDetail, force: Bool, short: String) throws -> Revision {
    if !force, let approved = detail.approvedRevision { return approved }
    guard let latest = detail.revisions.last(where: { $0.head != nil }) else {
      throw DraftError(
        .notFound, "ticket \(short) has no revision with commits to merge; 'git draft run \(short)' makes one"
      )
    }
    guard force else {
      throw DraftError(
        .invalidInput, "revision \(latest.number) is not approved; 'git draft approve \(short)' or --force")
    }
    return latest
  }

  /// A conflict as feedback on the revision (the paths, one per line) and the ticket blocked,
  /// in one change; then as evidence on the revision's head, with the target and strategy.
  private func recordConflict(
    _ paths: [String], ticket id: String, revision: Int, head: ObjectID, target: String,
    evidence: [(String, JSONValue)], short: String
  ) throws -> Ticket {
    var body = ""
    for path in paths where body.utf8.count + path.utf8.count < Limits.bodyBytes - 1 { body += path + "\n" }
    let feedback = Feedback(kind: .conflict, revision: head.hex, body: body)
    let shown = paths.prefix(10).joined(separator: ", ") + (paths.count > 10 ? ", ..." : "")
    let reason = "merge into \(target) conflicts in \(paths.count) path(s): \(shown)"
    let ticket = try change(id) { current in
      guard current.ticket.state == .needsHuman else {
        throw DraftError(
          .invalidInput,
          "ticket \(short) moved to \(current.ticket.state.rawValue) meanwhile; nothing was merged")
      }
      return [.feedback(feedback), .move(from: .needsHuman, to: .blocked, reason: reason)]
    }.detail.ticket
    let record = evidence + [("paths", .array(paths.map(JSONValue.string)))]
    try recordEvidence([EvidenceRecord.line("conflict", ticket: id, revision: revision, record)], on: head)
    return ticket
  }
}
