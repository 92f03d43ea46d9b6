import GitKit
import Glibc

/// The outcome of `git draft verify` or of the post-commit hook.
public struct VerificationReport: Sendable {
  public var ticket: Ticket
  public var commit: ObjectID
  public var worktree: String
  /// The revision the evidence was recorded for (0 before the first run).
  public var revision: Int
  public var results: [VerifyResult]
  public var passed: Bool { results.allSatisfy(\.passed) }

  /// One line: what passed, or the first failure.
  public var summary: String {
    let short = commit.hex.prefix(10)
    if results.isEmpty {
      return "\(short): no verify commands (add some with git config --add draft.verify CMD)"
    }
    if let failed = results.first(where: { !$0.passed }) { return "\(short): \(failed.failure)" }
    return "\(short): \(results.count) verify command\(results.count == 1 ? "" : "s") passed"
  }
}

extension Draft {
  /// Verifies a ticket's worktree by hand: the ticket named, or the one whose worktree this is.
  /// The evidence is recorded on the worktree's HEAD; the ticket's state is left alone.
  public func verify(_ prefix: String?) throws -> VerificationReport {
    let ticket: Ticket
    if let prefix {
      ticket = try board(around: prefix).ticket
    } else {
      guard let branch = repository.currentBranch(), let id = Self.ticketPrefix(ofBranch: branch) else {
        throw DraftError(.invalidInput, "name the ticket to verify, or run this in its worktree")
      }
      ticket = try board(around: id).ticket
    }
    let detail = try detail(id: ticket.id)
    let settings = try RunSettings(self)
    var path = try worktree(for: ticket, configured: settings.worktreeDirectory).path
    if let recorded = detail.revisions.last?.worktree, FileSystem.exists(recorded + "/.git") {
      path = recorded
    }
    if let own = repository.workingDirectory,
      repository.currentBranch() == TicketWorktree.branchName(id: ticket.id, title: ticket.title)
    {
      path = TicketWorktree.trimmed(own)
    }
    guard FileSystem.exists(path + "/.git") else {
      throw DraftError(
        .notFound, "ticket \(ticket.id.prefix(12)) has no worktree here; 'git draft run' makes one")
    }
    return try verify(detail, worktree: path, settings: settings, budget: nil)
  }

  /// The post-commit hook: verifies the commit just made on a draft branch within `timeout`.
  func verifyFromHook(ticket: String, worktree: String, commit: ObjectID, timeout: Int64) throws -> String? {
    var settings = try RunSettings(self)
    settings.verifyTimeout = min(settings.verifyTimeout, timeout)
    return try verify(detail(id: ticket), worktree: worktree, settings: settings, budget: timeout).summary
  }

  private func verify(_ detail: TicketDetail, worktree: String, settings: RunSettings, budget: Int64?) throws
    -> VerificationReport
  {
    let id = detail.ticket.id
    let head = try worktreeHead(worktree)
    let targetName = detail.revisions.last?.target ?? repository.currentBranch()
    let target = try targetName.flatMap { name in
      try git { try repository.referenceTarget("refs/heads/" + name) }
    }
    let commands = try (target.map { try team(at: $0).verify } ?? []) + settings.localVerify
    let results = try verify(commands, in: worktree, ticket: id, settings: settings, budget: budget)
    let number = detail.revisions.count
    try recordEvidence(results.map { $0.evidence(ticket: id, revision: number) }, on: head)
    return VerificationReport(
      ticket: detail.ticket, commit: head, worktree: worktree, revision: number, results: results)
  }
}
