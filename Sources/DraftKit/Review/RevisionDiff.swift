import GitKit

extension Draft {
  /// The `git` arguments that show revision `number` (default: the latest) of a ticket: the
  /// change from its base to its head commit, as `git diff` prints it with the user's own pager
  /// and colours. `paths` limit it to those paths; they are never read as options.
  public func diffArguments(_ prefix: String, revision number: Int?, stat: Bool, paths: [String] = []) throws
    -> [String]
  {
    let detail = try detail(id: try board(around: prefix).ticket.id)
    let revision = try detail.revision(number)
    let head = try headCommit(of: revision, ticket: detail.ticket.id)
    guard let base = ObjectID(hex: revision.base) else {
      throw DraftError(.corrupt, "revision \(revision.number) has no base commit")
    }
    try requireLocal(base, of: revision)
    return ["diff"] + (stat ? ["--stat"] : []) + [base.hex, head.hex, "--"] + paths
  }
}
