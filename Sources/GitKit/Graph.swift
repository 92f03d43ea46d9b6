import CLibgit2

extension Repository {
  /// True when `commit` is `ancestor` itself or has it in its history.
  public func contains(_ ancestor: ObjectID, in commit: ObjectID) throws -> Bool {
    if ancestor == commit { return true }
    var descendant = commit.raw
    var base = ancestor.raw
    return try check(
      git_graph_descendant_of(pointer, &descendant, &base), "cannot compare \(commit) and \(ancestor)") == 1
  }
}
