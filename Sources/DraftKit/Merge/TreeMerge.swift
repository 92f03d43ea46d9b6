import GitKit
import Glibc

/// Merging without a worktree: `git merge-tree --write-tree` computes the merged tree (or the
/// conflicting paths) in the object database and `git commit-tree` makes the commits, so no
/// worktree, index or branch is touched until the result is known.
struct TreeMerge {
  enum Outcome: Equatable {
    /// The commit the target moves to.
    case commit(ObjectID)
    case conflict([String])
  }

  let draft: Draft
  let ticket: String
  let short: String
  let title: String
  let revision: Revision
  /// Who makes the new commits, and authors the merge and squash commits.
  let committer: Person
  /// Sign the new commits, as `git commit` and `git merge` do when `commit.gpgSign` is set
  /// (`git commit-tree` itself ignores that setting).
  let sign: Bool

  private var directory: String { draft.repository.commonDirectory }
  private var messageFile: String { draft.runsDirectory + "/\(ticket).merge-message" }
  private var trailers: String { "Draft-Ticket: \(ticket)\nDraft-Revision: \(revision.number)\n" }
  private var subject: String { Terminal.clean(String(title.prefix(72))) }

  /// The commit `strategy` makes of `head` on top of `target`.
  func merge(_ strategy: MergeStrategy, head: ObjectID, into target: ObjectID) throws -> Outcome {
    try FileSystem.makeDirectories(draft.runsDirectory)
    defer { unlink(messageFile) }
    switch strategy {
    case .ff:
      guard try git({ try draft.repository.contains(target, in: head) }) else {
        throw DraftError(
          .invalidInput,
          "the target moved since the revision was made; use --strategy merge, squash or rebase")
      }
      return .commit(head)
    case .merge, .squash:
      let merged = try mergeTree(target, head)
      guard case .tree(let tree) = merged else { return .conflict(merged.paths) }
      let message =
        strategy == .merge
        ? "Merge ticket \(short): \(subject)\n\n\(trailers)"
        : "\(subject)\n\nRevision \(revision.number) of ticket \(ticket), squashed from \(revision.branch).\n\n\(trailers)"
      return .commit(
        try commit(tree, parents: strategy == .merge ? [target, head] : [target], message: message))
    case .rebase:
      return try rebase(head, onto: target)
    }
  }

  /// Replays each commit of the revision since it left the target, keeping its author and
  /// message (with the ticket's trailer added where it lacks one). A commit whose parent is
  /// already the new tip and which has the trailer is kept as it is; one whose changes the
  /// target already has is dropped, as `git rebase` does.
  private func rebase(_ head: ObjectID, onto target: ObjectID) throws -> Outcome {
    let listing = try draft.runGit(
      ["rev-list", "--reverse", "--parents", head.hex, "^" + target.hex], in: directory)
    let commits = listing.output.split(separator: "\n").map {
      $0.split(separator: " ").compactMap { ObjectID(hex: String($0)) }
    }
    guard commits.allSatisfy({ $0.count == 2 }) else {
      throw DraftError(
        .invalidInput,
        "revision \(revision.number) contains a merge commit, which rebase cannot replay; use --strategy merge or squash"
      )
    }
    var current = target
    for ids in commits {
      let (original, parent) = (ids[0], ids[1])
      let (author, date, message) = try read(original)
      let hasTrailer = message.split(separator: "\n").contains { $0 == "Draft-Ticket: \(ticket)" }
      if parent == current && hasTrailer {
        current = original
        continue
      }
      let merged = try cherryPick(original, parent: parent, onto: current)
      guard case .tree(let tree) = merged else { return .conflict(merged.paths) }
      if tree == (try git { try draft.repository.readCommit(current).tree }) { continue }
      try FileSystem.write(Array(message.utf8), to: messageFile)
      if !hasTrailer {
        try draft.runGit(
          ["interpret-trailers", "--in-place", "--trailer", "Draft-Ticket: \(ticket)", messageFile],
          in: directory)
      }
      current = try commit(tree, parents: [current], author: author, date: date)
    }
    return .commit(current)
  }

  private enum TreeResult {
    case tree(ObjectID)
    case conflict([String])

    var paths: [String] {
      if case .conflict(let paths) = self { return paths }
      return []
    }
  }

  /// `git merge-tree --write-tree`: exit 0 with the tree, or 1 with the conflicting paths.
  private func mergeTree(_ ours: ObjectID, _ theirs: ObjectID) throws -> TreeResult {
    let result = try draft.runGit(
      ["merge-tree", "--write-tree", "--name-only", "-z", "--no-messages", ours.hex, theirs.hex],
      in: directory,
      allowFailure: true)
    let fields = result.output.split(separator: "\0").map(String.init)
    guard result.status <= 1, let tree = fields.first.flatMap(ObjectID.init(hex:)) else {
      throw DraftError(.git, "git merge-tree failed: \(GitTransport.lastLine(result.errors))")
    }
    guard result.status == 1 else { return .tree(tree) }
    var seen = Set<String>()
    return .conflict(fields.dropFirst().filter { seen.insert($0).inserted })
  }

  /// The changes `commit` made to `parent`, applied to `onto`. git 2.39's merge-tree cannot be
  /// given a merge base, so the three trees go on throwaway commits sharing the parent's tree as
  /// their root (unreachable objects, which `git gc` removes).
  private func cherryPick(_ commit: ObjectID, parent: ObjectID, onto: ObjectID) throws -> TreeResult {
    let (ours, theirs) = try git {
      let repository = draft.repository
      let signature = Signature(name: committer.name, email: committer.email, time: 0)
      func throwaway(_ of: ObjectID, parents: [ObjectID]) throws -> ObjectID {
        try repository.writeCommit(
          tree: try repository.readCommit(of).tree, parents: parents, author: signature,
          message: "merge base\n")
      }
      let base = try throwaway(parent, parents: [])
      return (try throwaway(onto, parents: [base]), try throwaway(commit, parents: [base]))
    }
    return try mergeTree(ours, theirs)
  }

  /// A commit's author, the author's date (`time zone`, as git stores it) and message.
  private func read(_ commit: ObjectID) throws -> (author: Person, date: String, message: String) {
    let text = try draft.runGit(["cat-file", "commit", commit.hex], in: directory).output
    guard let end = text.firstRange(of: "\n\n"),
      let line = text[..<end.lowerBound].split(separator: "\n").first(where: { $0.hasPrefix("author ") }),
      let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close
    else { throw DraftError(.corrupt, "cannot read the author of commit \(commit.hex)") }
    var name = line[line.index(line.startIndex, offsetBy: 7)..<open]
    while name.last == " " { name.removeLast() }
    let author = Person(name: String(name), email: String(line[line.index(after: open)..<close]))
    return (
      author, String(line[line.index(after: close)...].drop { $0 == " " }), String(text[end.upperBound...])
    )
  }

  private func commit(_ tree: ObjectID, parents: [ObjectID], message: String) throws -> ObjectID {
    try FileSystem.write(Array(message.utf8), to: messageFile)
    return try commit(tree, parents: parents, author: committer, date: nil)
  }

  /// `git commit-tree` with the message in `messageFile`, committed by the user.
  private func commit(_ tree: ObjectID, parents: [ObjectID], author: Person, date: String?) throws -> ObjectID
  {
    var environment = [
      "GIT_AUTHOR_NAME=\(author.name)", "GIT_AUTHOR_EMAIL=\(author.email)",
      "GIT_COMMITTER_NAME=\(committer.name)", "GIT_COMMITTER_EMAIL=\(committer.email)",
    ]
    if let date, !date.isEmpty { environment.append("GIT_AUTHOR_DATE=\(date)") }
    let output = try draft.runGit(
      ["commit-tree", tree.hex] + parents.flatMap { ["-p", $0.hex] } + ["-F", messageFile]
        + (sign ? ["-S"] : []), in: directory,
      environment: environment
    ).output
    guard let id = ObjectID(hex: String(output.prefix(40))) else {
      throw DraftError(.git, "git commit-tree printed no commit")
    }
    return id
  }
}
