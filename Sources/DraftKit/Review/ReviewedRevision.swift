import GitKit

extension TicketDetail {
  /// The revision a reviewer means: revision `number`, else the latest that made a commit.
  /// Feedback is about a commit, so a revision without one cannot be reviewed.
  func reviewedRevision(_ number: Int?) throws -> (revision: Revision, head: String) {
    let short = ticket.id.prefix(12)
    let revision =
      try number == nil ? revisions.last(where: { $0.head != nil }) ?? revision(nil) : revision(number)
    guard let head = revision.head else {
      throw DraftError(
        .notFound,
        number == nil
          ? "no revision of ticket \(short) made a commit yet; 'git draft run \(short)' makes one"
          : "revision \(revision.number) of ticket \(short) made no commit")
    }
    return (revision, head)
  }
}

extension Draft {
  /// The commit of `revision`'s head, checked to be in this clone.
  func headCommit(of revision: Revision, ticket: String) throws -> ObjectID {
    guard let hex = revision.head, let commit = ObjectID(hex: hex) else {
      throw DraftError(.notFound, "revision \(revision.number) of ticket \(ticket.prefix(12)) made no commit")
    }
    try requireLocal(commit, of: revision)
    return commit
  }

  /// Refuses a revision's commit this clone does not have yet.
  func requireLocal(_ commit: ObjectID, of revision: Revision) throws {
    guard repository.hasObject(commit) else {
      throw DraftError(
        .notFound,
        "commit \(commit.hex.prefix(12)) of revision \(revision.number) is not in this clone; "
          + "'git draft sync' fetches it")
    }
  }
}
