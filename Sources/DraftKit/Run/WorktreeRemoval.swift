/// Taking a ticket's worktree and branch away once its work is merged or abandoned. The commits
/// stay reachable through the revision pins, so deleting the branch loses no revision.
extension Draft {
  /// What removing a ticket's worktree and branch came to.
  public struct WorktreeRemoval: Sendable, Equatable {
    public var removedWorktree: String?
    public var deletedBranch: String?
    /// Why something was left in place (uncommitted work), when it was.
    public var kept: String?
  }

  /// The worktrees git knows of, by path, with the branch each has checked out (nil when
  /// detached or bare) and, when it is locked, the lock's reason (empty when none was given).
  func worktrees() throws -> [(path: String, branch: String?, locked: String?)] {
    let output = try runGit(["worktree", "list", "--porcelain"], in: repository.commonDirectory).output
    var found: [(path: String, branch: String?, locked: String?)] = []
    for block in output.split(separator: "\n\n") {
      var path: String?
      var branch: String?
      var locked: String?
      for line in block.split(separator: "\n") {
        if line.hasPrefix("worktree ") { path = String(line.dropFirst(9)) }
        if line.hasPrefix("branch refs/heads/") { branch = String(line.dropFirst(18)) }
        if line == "locked" || line.hasPrefix("locked ") { locked = String(line.dropFirst(7)) }
      }
      if let path { found.append((path, branch, locked)) }
    }
    return found
  }

  /// Removes the worktree that has `branch` checked out (when it holds no uncommitted work
  /// besides the files a run copies in) and, if asked, the branch. `dryRun` only reports.
  func removeWorktree(branch: String, deleteBranch: Bool, copied: [String], dryRun: Bool = false) throws
    -> WorktreeRemoval
  {
    var removal = WorktreeRemoval()
    if let (path, _, locked) = try worktrees().first(where: { $0.branch == branch }) {
      // Whoever locked it (`git worktree lock`) asked git to keep it: so do we.
      if let locked {
        let reason = locked.isEmpty ? "" : " (\(Terminal.clean(locked)))"
        removal.kept = "\(path) is locked\(reason); 'git worktree unlock \(path)', then 'git draft gc'"
        return removal
      }
      // A worktree whose directory was deleted by hand holds no work: git only forgets it.
      if FileSystem.exists(path) {
        let status = try runGit(
          ["status", "--porcelain", "--untracked-files=all", "--", "."]
            + excludingCopies(copied, in: path), in: path)
        guard status.output.isEmpty else {
          removal.kept = "\(path) has uncommitted changes; commit or discard them, then 'git draft gc'"
          return removal
        }
      }
      if !dryRun { try runGit(["worktree", "remove", "--force", path], in: repository.commonDirectory) }
      removal.removedWorktree = path
    }
    if deleteBranch, try git({ try repository.referenceTarget("refs/heads/" + branch) }) != nil {
      if !dryRun { try runGit(["branch", "--quiet", "-D", branch], in: repository.commonDirectory) }
      removal.deletedBranch = branch
    }
    return removal
  }
}
