/// Where an anchored comment stands in the ticket's latest revision (the latest with a commit):
/// the lines it quoted, found again (perhaps moved by edits above them), or gone.
public enum AnchorStatus: Sendable, Equatable {
  /// No anchor: the feedback is about a revision as a whole.
  case unanchored
  /// The quoted lines are at `startLine`-`endLine` of the file in revision `revision`.
  case current(revision: Int, startLine: Int, endLine: Int)
  /// The quoted text is no longer in revision `revision`'s version of the file.
  case outdated(revision: Int)

  public var isOutdated: Bool {
    if case .outdated = self { return true }
    return false
  }
}

extension Draft {
  /// Finds an anchored comment's lines in the latest revision of its ticket, reading the file
  /// from that revision's commit.
  public func locate(_ feedback: Feedback, in detail: TicketDetail) throws -> AnchorStatus {
    guard let anchor = feedback.anchor else { return .unanchored }
    guard let latest = detail.revisions.last(where: { $0.head != nil }) else { return .outdated(revision: 0) }
    let commit = try headCommit(of: latest, ticket: detail.ticket.id)
    guard case .text(let lines) = try file(anchor.path, at: commit), let start = anchor.located(in: lines)
    else {
      return .outdated(revision: latest.number)
    }
    return .current(revision: latest.number, startLine: start, endLine: start + anchor.lines.count - 1)
  }
}
