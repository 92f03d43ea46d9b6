import GitKit

/// A file as a revision's commit holds it, read through libgit2 (never the worktree, which
/// may have moved on or not exist on this machine): what anchored comments point into.
enum RevisionFile {
  case missing
  case binary
  /// The file's lines, without their line ends.
  case text([Substring])

  /// Files larger than this are not read to anchor or locate a comment.
  static let maximumBytes = 32 << 20

  /// Refuses a path that cannot name a file of the repository's tree.
  static func check(path: String) throws {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard !path.isEmpty, !path.contains("\0"), path.utf8.count <= 4096,
      !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
    else {
      throw DraftError(
        .invalidInput,
        "'\(path)' is not a file path from the top of the repository (as 'git ls-files' prints it)")
    }
  }

  /// Splits text into lines as git counts them: a final line end does not start another line.
  static func lines(_ text: String) -> [Substring] {
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    if lines.last?.isEmpty == true { lines.removeLast() }
    return lines
  }
}

extension Draft {
  /// The file at `path` in `commit`.
  func file(_ path: String, at commit: ObjectID) throws -> RevisionFile {
    guard
      let bytes = try git({
        try repository.file(at: path, inCommit: commit, maxSize: RevisionFile.maximumBytes)
      })
    else { return .missing }
    // As git decides for diffs: a NUL byte early on means binary.
    if bytes.prefix(8000).contains(0) { return .binary }
    return .text(RevisionFile.lines(String(decoding: bytes, as: UTF8.self)))
  }
}
