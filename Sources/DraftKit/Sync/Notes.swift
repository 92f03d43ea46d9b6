import GitKit

/// The board's evidence notes (`refs/notes/draft`): one JSON record per line, attached to
/// commits. Notes from two clones merge by the union of their lines, as git-appraise does,
/// so nothing either side recorded is lost.
struct Notes {
  static let ref = "refs/notes/draft"
  /// A note larger than this from a remote is not merged (refs are untrusted input).
  static let maxNoteBytes = 16 << 20

  let repository: Repository

  /// Merges the notes at `trackingRef` into the local notes; true when the local notes moved.
  func merge(_ trackingRef: String, author: Person) throws -> Bool {
    try git {
      guard let theirs = try repository.referenceTarget(trackingRef) else { return false }
      let ours = try repository.referenceTarget(Self.ref)
      if let ours, try repository.contains(theirs, in: ours) { return false }
      let target: ObjectID
      if let ours, !(try repository.contains(ours, in: theirs)) {
        target = try mergeCommit(ours, theirs, author: author)
      } else {
        // Nothing local, or local is behind: take theirs once it has been checked.
        _ = try notes(in: theirs)
        target = theirs
      }
      try repository.updateReference(Self.ref, to: target, expecting: ours, message: "git-draft: merge notes")
      return true
    }
  }

  /// A commit whose tree holds, for every annotated object, the union of both sides' lines.
  private func mergeCommit(_ ours: ObjectID, _ theirs: ObjectID, author: Person) throws -> ObjectID {
    var merged = try notes(in: ours)
    for (object, blob) in try notes(in: theirs) {
      guard let mine = merged[object], mine != blob else {
        merged[object] = merged[object] ?? blob
        continue
      }
      let lines = try text(mine) + (try text(blob))
      var seen = Set<Substring>()
      let union = lines.filter { seen.insert($0).inserted }
      merged[object] = try repository.write(Array((union.joined(separator: "\n") + "\n").utf8), as: .blob)
    }
    let tree = try repository.writeTree(
      merged.sorted { $0.key < $1.key }.map { TreeEntry(name: $0.key, id: $0.value) })
    let signature = Signature(name: author.name, email: author.email, time: EntityStore.now())
    return try repository.writeCommit(
      tree: tree, parents: [ours, theirs], author: signature, message: "Notes merged by 'git draft sync'\n")
  }

  private func text(_ blob: ObjectID) throws -> [Substring] {
    let bytes = try repository.read(blob, as: .blob, maxSize: Self.maxNoteBytes)
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
  }

  /// Annotated object (hex) → note blob, whatever fan-out the tree uses. Entries that do not
  /// name an object are ignored.
  private func notes(in commit: ObjectID) throws -> [String: ObjectID] {
    var found: [String: ObjectID] = [:]
    func walk(_ tree: ObjectID, _ prefix: String) throws {
      for entry in try repository.treeEntries(tree) {
        let name = prefix + entry.name
        if entry.isTree {
          if name.count < 40 { try walk(entry.id, name) }
        } else if ObjectID(hex: name) != nil {
          found[name] = entry.id
        }
      }
    }
    try walk(try repository.readCommit(commit).tree, "")
    return found
  }
}
