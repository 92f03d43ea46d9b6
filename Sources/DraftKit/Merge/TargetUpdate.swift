import GitKit

extension Draft {
  /// The worktree where `branch` is checked out, if any. One with uncommitted changes to
  /// tracked files is refused: moving the branch would have to overwrite them or leave the
  /// worktree out of step with it.
  func cleanCheckout(of branch: String) throws -> String? {
    guard let path = try worktrees().first(where: { $0.branch == branch })?.path else { return nil }
    let status = try runGit(["status", "--porcelain", "--untracked-files=no"], in: path)
    guard status.output.isEmpty else {
      throw DraftError(
        .invalidInput, "\(branch) has uncommitted changes in \(path); commit or stash them first")
    }
    return path
  }

  /// Moves `branch` from `old` to `new`, a descendant of it. Where the branch is checked out,
  /// git fast-forwards that worktree (ref, index and files together, refusing rather than
  /// overwrite untracked files); elsewhere the ref moves only if it still points at `old`.
  func advance(
    _ branch: String, from old: ObjectID, to new: ObjectID, checkedOutIn path: String?, message: String
  )
    throws
  {
    let reference = "refs/heads/" + branch
    let moved = DraftError(.invalidInput, "\(branch) moved while merging; run the merge again")
    guard let path else {
      do {
        try repository.updateReference(reference, to: new, expecting: old, message: message)
      } catch let error as GitError {
        throw error.isRace ? moved : DraftError.from(error)
      }
      return
    }
    guard try git({ try repository.referenceTarget(reference) }) == old else { throw moved }
    let result = try runGit(["merge", "--ff-only", "--quiet", new.hex], in: path, allowFailure: true)
    guard result.status == 0 else {
      throw DraftError(
        .git,
        "\(branch) was not updated in \(path): \(GitTransport.lastLine(result.errors.replacing("\t", with: "")))"
      )
    }
  }
}
