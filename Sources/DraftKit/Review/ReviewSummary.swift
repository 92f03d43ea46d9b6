/// What a reviewer needs to decide on a ticket's work: each revision with its verification,
/// the decisions so far, the open comments (anchored ones found again in the latest revision),
/// what it all cost, and what to do next.
public struct ReviewSummary: Sendable {
  public struct RevisionEntry: Sendable {
    public var revision: Revision
    /// The revision's verify results from its evidence, in the order they ran.
    public var verification: [EvidenceRecord]
  }

  public struct CommentEntry: Sendable {
    public var feedback: Feedback
    public var status: AnchorStatus
  }

  public var detail: TicketDetail
  public var shortID: String
  public var revisions: [RevisionEntry]
  /// Approvals and requests for changes, oldest first.
  public var decisions: [Feedback]
  /// Comments and merge conflicts no revision has addressed yet, oldest first.
  public var comments: [CommentEntry]
  /// The revision the last decision approved, while no newer revision passed.
  public var approved: Revision?
  /// One line saying what to do next, with the command.
  public var next: String

  public var costUSD: Double? {
    let costs = detail.revisions.compactMap(\.costUSD)
    return costs.isEmpty ? nil : costs.reduce(0, +)
  }
  public var inputTokens: Int { detail.revisions.reduce(0) { $0 + ($1.inputTokens ?? 0) } }
  public var outputTokens: Int { detail.revisions.reduce(0) { $0 + ($1.outputTokens ?? 0) } }
  public var durationMS: Int { detail.revisions.reduce(0) { $0 + $1.durationMS } }
}

extension Draft {
  /// The review of the ticket `prefix` names.
  public func review(_ prefix: String) throws -> ReviewSummary {
    let (board, ticket) = try board(around: prefix)
    let detail = try detail(id: ticket.id)
    let revisions = try detail.revisions.map { revision in
      ReviewSummary.RevisionEntry(
        revision: revision,
        verification: try evidence(ticket: ticket.id, revision: revision).filter { $0.kind == "verify" })
    }
    let comments = try detail.openFeedback.filter { !$0.kind.isDecision }.map {
      ReviewSummary.CommentEntry(feedback: $0, status: try locate($0, in: detail))
    }
    let short = board.shortID(ticket.id)
    return ReviewSummary(
      detail: detail, shortID: short, revisions: revisions,
      decisions: detail.feedback.filter(\.kind.isDecision),
      comments: comments, approved: detail.approvedRevision, next: Self.nextStep(detail, short: short))
  }

  static func nextStep(_ detail: TicketDetail, short: String) -> String {
    let change = "ask for changes with 'git draft request-changes \(short) -m TEXT'"
    switch detail.ticket.state {
    case .needsHuman:
      if let approved = detail.approvedRevision {
        return "revision \(approved.number) is approved: merge it with 'git draft merge \(short)'"
      }
      guard detail.revisions.contains(where: { $0.outcome == .passed }) else { return change }
      return "approve with 'git draft approve \(short)', or \(change)"
    case .blocked:
      let outcome = detail.revisions.last.map { "revision \($0.number) ended \($0.outcome.rawValue): " } ?? ""
      return outcome + "\(change), or run it again with 'git draft run \(short)'"
    case .planned:
      let open = detail.openFeedback.count
      return open == 0
        ? "run it with 'git draft run \(short)'"
        : "'git draft run \(short)' makes a revision that addresses the \(open) open item\(open == 1 ? "" : "s")"
    case .executing, .verifying: return "wait: it is being worked on"
    case .proposed: return "plan it with 'git draft move \(short) planned'"
    case .done, .abandoned: return "nothing: the ticket is \(detail.ticket.state.rawValue)"
    }
  }
}
