import CLibgit2

/// Lines added and deleted per file between two commits: what `git diff --numstat` counts.
public struct DiffStat: Sendable, Equatable {
  public struct File: Sendable, Equatable {
    public var path: String
    public var insertions: Int
    public var deletions: Int
    /// Binary files have no line counts.
    public var binary: Bool
  }

  public var files: [File]
  public var insertions: Int { files.reduce(0) { $0 + $1.insertions } }
  public var deletions: Int { files.reduce(0) { $0 + $1.deletions } }
}

extension Repository {
  /// The difference between the trees of commits `old` and `new`.
  public func diffStat(from old: ObjectID, to new: ObjectID) throws -> DiffStat {
    let trees = try [old, new].map { commit -> OpaquePointer? in
      var oid = try readCommit(commit).tree.raw
      var tree: OpaquePointer?
      try check(git_tree_lookup(&tree, pointer, &oid), "cannot read the tree of \(commit)")
      return tree
    }
    defer { trees.forEach { git_tree_free($0) } }
    var diff: OpaquePointer?
    try check(git_diff_tree_to_tree(&diff, pointer, trees[0], trees[1], nil), "cannot diff \(old) and \(new)")
    defer { git_diff_free(diff) }
    var files: [DiffStat.File] = []
    for index in 0..<git_diff_num_deltas(diff) {
      var patch: OpaquePointer?
      try check(git_patch_from_diff(&patch, diff, index), "cannot diff \(old) and \(new)")
      defer { git_patch_free(patch) }
      guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
      var (context, added, deleted) = (0, 0, 0)
      try check(git_patch_line_stats(&context, &added, &deleted, patch), "cannot count changed lines")
      let file = delta.status == GIT_DELTA_DELETED ? delta.old_file : delta.new_file
      files.append(
        DiffStat.File(
          path: String(cString: file.path), insertions: added, deletions: deleted,
          binary: delta.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0))
    }
    return DiffStat(files: files)
  }
}
