import GitKit
import Glibc

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

  /// Adds `lines` to the note on `object` (lines it already has are not repeated). Concurrent
  /// writers retry on the new tip, so no line is lost.
  func append(_ lines: [String], to object: ObjectID, author: Person) throws {
    try git {
      for attempt in 0..<16 {
        // Writers in one process (`work --parallel`) collide at once: stagger their retries.
        if attempt > 0 { usleep(UInt32.random(in: 1000...5000) * UInt32(attempt)) }
        let tip = try repository.referenceTarget(Self.ref)
        var all = try tip.map { try notes(in: $0) } ?? [:]
        let old = try all[object.hex].map { try text($0) } ?? []
        var seen = Set(old)
        let added = lines.filter { seen.insert(Substring($0)).inserted }
        if added.isEmpty { return }
        all[object.hex] = try repository.write(
          Array(((old.map(String.init) + added).joined(separator: "\n") + "\n").utf8), as: .blob)
        let tree = try repository.writeTree(
          all.sorted { $0.key < $1.key }.map { TreeEntry(name: $0.key, id: $0.value) })
        let signature = Signature(name: author.name, email: author.email, time: EntityStore.now())
        let commit = try repository.writeCommit(
          tree: tree, parents: tip.map { [$0] } ?? [], author: signature,
          message: "Notes added by 'git draft'\n")
        do {
          return try repository.updateReference(
            Self.ref, to: commit, expecting: tip, message: "git-draft: evidence")
        } catch let error as GitError where error.isRace {
          continue
        }
      }
      throw GitError(.locked, "\(Self.ref) kept changing while evidence was written; try again")
    }
  }

  /// The lines of the note on `object`, none when it has no note.
  func lines(of object: ObjectID) throws -> [Substring] {
    try git {
      guard let tip = try repository.referenceTarget(Self.ref) else { return [] }
      let tree = try repository.readCommit(tip).tree
      // Flat, or fanned out in two-digit directories as git does for many notes.
      if let blob = try repository.treeEntry(object.hex, in: tree) { return try text(blob) }
      let hex = object.hex
      if let directory = try repository.treeEntry(String(hex.prefix(2)), in: tree),
        let blob = try? repository.treeEntry(String(hex.dropFirst(2)), in: directory)
      {
        return try text(blob)
      }
      return []
    }
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
