/// A reviewer's decisions on a ticket's work: approve a revision that passed, or send the
/// ticket back with a summary of what to change (which the next run's prompt carries).
extension Draft {
  /// Approves the latest revision that passed verification, while the ticket waits on a person.
  /// Approving the revision already approved writes nothing.
  @discardableResult
  public func approve(_ prefix: String, message: String?) throws -> Change {
    let body = message ?? ""
    try TicketText.check(body: body).orThrow { DraftError(.invalidInput, $0) }
    let id = try board(around: prefix).ticket.id
    let short = id.prefix(12)
    return try change(id) { current in
      guard let passed = current.revisions.last(where: { $0.outcome == .passed }), let head = passed.head
      else {
        throw DraftError(
          .invalidInput,
          "no revision of ticket \(short) passed verification; there is nothing to approve"
            + (current.revisions.isEmpty ? " ('git draft run \(short)' makes one)" : ""))
      }
      if current.approvedRevision?.head == head { return [] }
      guard current.ticket.state == .needsHuman else {
        throw DraftError(
          .invalidInput,
          "ticket \(short) is \(current.ticket.state.rawValue), not needs_human; approval is for work waiting on a person"
        )
      }
      return [.feedback(Feedback(kind: .approve, revision: head, body: body))]
    }
  }

  /// Records a request for changes on the latest revision that made a commit and moves the
  /// ticket back to planned, so the next run addresses it with every open comment.
  @discardableResult
  public func requestChanges(_ prefix: String, summary: String) throws -> Change {
    guard !summary.allSatisfy(\.isWhitespace) else {
      throw DraftError(.invalidInput, "say what to change with -m TEXT or -F FILE")
    }
    try TicketText.check(body: summary).orThrow { DraftError(.invalidInput, $0) }
    let id = try board(around: prefix).ticket.id
    let short = id.prefix(12)
    return try change(id) { current in
      let state = current.ticket.state
      guard [.needsHuman, .blocked, .planned].contains(state) else {
        throw DraftError(
          .invalidInput,
          "ticket \(short) is \(state.rawValue); changes can be requested when it is needs_human, blocked or planned"
        )
      }
      let head = try current.reviewedRevision(nil).head
      var ops: [Operation] = [.feedback(Feedback(kind: .requestChanges, revision: head, body: summary))]
      if state != .planned { ops.append(.move(from: state, to: .planned, reason: "changes requested")) }
      return ops
    }
  }
}
