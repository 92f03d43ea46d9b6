/// After `git draft merge` found a conflict, the next run merges the target into the ticket's
/// branch itself and leaves the conflicts for the agent to resolve: the agent only edits files,
/// and git-draft concludes the merge (or undoes it when conflict markers are left).
struct MergeInProgress: Sendable, Equatable {
  var target: String
  /// Paths git could not merge; empty when the target merged cleanly.
  var conflicts: [String]
}

extension Draft {
  /// Starts merging `target` into the worktree's branch without committing; nil when the
  /// branch already contains the target.
  func startMerge(of target: String, in path: String) throws -> MergeInProgress? {
    let contained = try runGit(
      ["merge-base", "--is-ancestor", "refs/heads/" + target, "HEAD"], in: path, allowFailure: true)
    if contained.status == 0 { return nil }
    // A run stopped half-way may have left its merge unfinished: start it afresh.
    if try isMerging(in: path) { try runGit(["merge", "--abort"], in: path) }
    let merge = try runGit(
      ["merge", "--no-ff", "--no-commit", "--quiet", "refs/heads/" + target], in: path, allowFailure: true)
    let conflicts = try unmergedPaths(in: path)
    if merge.status != 0 && conflicts.isEmpty {
      throw DraftError(
        .git,
        "cannot merge \(target) into the ticket's branch in \(path): \(GitTransport.lastLine(merge.errors))")
    }
    return MergeInProgress(target: target, conflicts: conflicts)
  }

  /// Refuses to commit a merge that still has conflict markers in the files that conflicted;
  /// the merge is undone, so the branch stays as the last revision left it.
  func checkResolved(_ merge: MergeInProgress, in path: String) throws {
    guard try !merge.conflicts.isEmpty && isMerging(in: path) else { return }
    let marked = try runGit(
      ["grep", "--no-index", "-l", "-E", "^(<<<<<<<|>>>>>>>)( |$)", "--"] + merge.conflicts, in: path,
      allowFailure: true
    ).output.split(separator: "\n").map(String.init)
    guard !marked.isEmpty else { return }
    try runGit(["merge", "--abort"], in: path)
    throw DraftError(
      .invalidInput,
      "the agent left conflict markers in \(marked.joined(separator: ", ")); the merge of \(merge.target) was undone"
    )
  }

  /// True while the worktree has a merge in progress (git's MERGE_HEAD).
  func isMerging(in path: String) throws -> Bool {
    try runGit(["rev-parse", "--quiet", "--verify", "MERGE_HEAD"], in: path, allowFailure: true).status == 0
  }

  private func unmergedPaths(in path: String) throws -> [String] {
    try runGit(["diff", "--name-only", "--diff-filter=U", "-z"], in: path).output.split(separator: "\0").map(
      String.init)
  }
}
