import FoundationEssentials
import GitKit
import Glibc

/// One commit of an entity's history with its decoded op pack.
public struct EntityCommit: Sendable {
  public var id: ObjectID
  public var parents: [ObjectID]
  public var pack: OpPack
}

/// An entity read from its ref and checked: its commits in replay order (Lamport time, then
/// commit id), which is the same in every clone that has the same commits.
public struct Entity: Sendable {
  public var id: String
  public var tip: ObjectID
  public var commits: [EntityCommit]
}

/// Stores entities as DAGs of commits under `refs/draft/<kind>/<id>`. Each commit's tree holds
/// `version` (the format marker) and `ops.json` (one op pack). Knows nothing about tickets.
public struct EntityStore {
  public static let packFile = "ops.json"
  public static let markerFile = "version"
  static let marker = Array("\(OpPack.formatVersion)\n".utf8)

  public let repository: Repository
  public let kind: String

  public init(repository: Repository, kind: String) {
    self.repository = repository
    self.kind = kind
  }

  public var refPrefix: String { "refs/draft/\(kind)/" }
  public func refName(_ id: String) -> String { refPrefix + id }

  // MARK: Reading

  /// Reads and validates the entity at `tip`; any defect throws `DraftError` of kind `.corrupt`.
  public func read(id: String, tip: ObjectID) throws -> Entity {
    guard Self.isEntityID(id) else { throw corrupt(id, "the ref name is not a sha256 id") }
    var commits: [ObjectID: EntityCommit] = [:]
    var rootBlob: [UInt8]? = nil
    var pending = [tip]
    while let next = pending.popLast() {
      if commits[next] != nil { continue }
      guard commits.count < Limits.commitsPerEntity else {
        throw corrupt(id, "more than \(Limits.commitsPerEntity) commits")
      }
      let (commit, blob) = try readCommit(next, entity: id)
      if commit.parents.isEmpty {
        guard rootBlob == nil else { throw corrupt(id, "its history has more than one root commit") }
        rootBlob = blob
      }
      commits[next] = commit
      pending.append(contentsOf: commit.parents)
    }
    guard let rootBlob else { throw corrupt(id, "its history has no root commit") }
    guard SHA256.hex(of: rootBlob) == id else {
      throw corrupt(id, "its first op pack does not hash to its id")
    }

    for commit in commits.values {
      let expected = (commit.parents.map { commits[$0]!.pack.lamport }.max() ?? 0) + 1
      guard commit.pack.lamport == expected else {
        throw corrupt(id, "commit \(commit.id) has clock \(commit.pack.lamport) where \(expected) was due")
      }
      if commit.parents.count > 1, !commit.pack.ops.isEmpty {
        throw corrupt(id, "merge commit \(commit.id) carries ops")
      }
    }
    let ordered = commits.values.sorted { ($0.pack.lamport, $0.id) < ($1.pack.lamport, $1.id) }
    return Entity(id: id, tip: tip, commits: ordered)
  }

  private func readCommit(_ id: ObjectID, entity: String) throws -> (EntityCommit, [UInt8]) {
    do {
      let commit = try repository.readCommit(id)
      guard let markerID = try repository.treeEntry(Self.markerFile, in: commit.tree),
        try repository.read(markerID, as: .blob, maxSize: Limits.markerBytes) == Self.marker
      else { throw corrupt(entity, "commit \(id) has no git-draft format marker, or an unknown format") }
      guard let packID = try repository.treeEntry(Self.packFile, in: commit.tree) else {
        throw corrupt(entity, "commit \(id) has no \(Self.packFile)")
      }
      let blob = try repository.read(packID, as: .blob, maxSize: Limits.packBytes)
      let pack: OpPack
      do {
        pack = try JSONDecoder().decode(OpPack.self, from: Data(blob))
      } catch {
        throw corrupt(
          entity, "commit \(id) holds an op pack that is not valid JSON of format \(OpPack.formatVersion)")
      }
      guard pack.version == OpPack.formatVersion else {
        throw corrupt(entity, "unknown format version \(pack.version)")
      }
      return (EntityCommit(id: id, parents: commit.parents, pack: pack), blob)
    } catch let error as GitError {
      throw corrupt(entity, error.message)
    }
  }

  private func corrupt(_ id: String, _ reason: String) -> DraftError {
    DraftError(.corrupt, "\(refName(id)) is not a valid git-draft entity: \(reason)")
  }

  // MARK: Writing

  /// Writes a new entity whose first pack is `pack`; its id is the sha256 of that pack.
  @discardableResult
  public func create(_ pack: OpPack) throws -> (id: String, tip: ObjectID) {
    let entity = try prepare([pack])
    try publish(entity)
    return entity
  }

  /// Writes the objects of a new entity, a chain of commits holding `packs` in order, without
  /// making a ref point at them yet.
  public func prepare(_ packs: [OpPack]) throws -> (id: String, tip: ObjectID) {
    var id = ""
    var tip: ObjectID?
    for (index, pack) in packs.enumerated() {
      let (blob, bytes) = try writePack(pack)
      if index == 0 { id = SHA256.hex(of: bytes) }
      tip = try writeCommit(pack: blob, parents: tip.map { [$0] } ?? [], author: pack)
    }
    guard let tip else { throw DraftError(.invalidInput, "an entity needs at least one op pack") }
    return (id, tip)
  }

  /// Creates the ref of a prepared entity; an entity with that id already there is an error.
  public func publish(_ entity: (id: String, tip: ObjectID)) throws {
    try git {
      try repository.updateReference(
        refName(entity.id), to: entity.tip, expecting: nil, message: "git-draft: create")
    }
  }

  /// Appends a pack of ops to the entity's tip with compare-and-swap. `makeOps` sees the entity
  /// as it is now; when another writer moved the tip first, it is called again on the new state.
  @discardableResult
  public func append(
    to id: String, author: Person, makeOps: (Entity) throws -> [Operation]
  ) throws -> ObjectID {
    var attempt = 0
    while true {
      attempt += 1
      guard let tip = try git({ try repository.referenceTarget(refName(id)) }) else {
        throw DraftError(.notFound, "no ticket \(id)")
      }
      let entity = try read(id: id, tip: tip)
      let commit = try commit(try makeOps(entity), onto: entity, author: author)
      do {
        try repository.updateReference(refName(id), to: commit, expecting: tip, message: "git-draft: append")
        return commit
      } catch let error as GitError where error.isRace && attempt < 200 {
        Self.backOff(attempt)
      } catch let error as GitError {
        throw DraftError.from(error)
      }
    }
  }

  /// Writes a commit holding `ops` on top of `entity`'s tip, without moving any ref.
  public func commit(_ ops: [Operation], onto entity: Entity, author: Person) throws -> ObjectID {
    let pack = OpPack(
      author: author, lamport: entity.commits.last!.pack.lamport + 1, time: Self.now(), ops: ops)
    let (blob, _) = try writePack(pack)
    return try writeCommit(pack: blob, parents: [entity.tip], author: pack)
  }

  /// What `merge` did.
  public enum MergeOutcome: Sendable, Equatable {
    /// The local ref already contained the other tip.
    case unchanged
    /// There was no local ref: it now points at the other tip.
    case created
    /// Local was behind: it now points at the other tip.
    case fastForwarded
    /// Both had moved: a merge commit (with no ops) joins them.
    case merged
  }

  /// Brings `other` (a tip of the same entity from another clone) into the local ref: nothing
  /// when it is already contained, a fast-forward when local is behind, else a merge commit
  /// whose pack has no ops. `other` is validated first (its history must start at the same
  /// root commit as local's) and never replaces local history.
  @discardableResult
  public func merge(id: String, other: ObjectID, author: Person) throws -> (
    tip: ObjectID, outcome: MergeOutcome
  ) {
    var theirs: Entity?
    var attempt = 0
    while true {
      attempt += 1
      let local = try git { try repository.referenceTarget(refName(id)) }
      // Commits local already has were checked when they arrived.
      if let local, try git({ try repository.contains(other, in: local) }) { return (local, .unchanged) }
      let incoming = try theirs ?? read(id: id, tip: other)
      theirs = incoming
      let target: ObjectID
      let outcome: MergeOutcome
      if let local {
        let ours = try read(id: id, tip: local)
        guard ours.commits[0].id == incoming.commits[0].id else {
          throw corrupt(id, "the other history starts at a different root commit (\(incoming.commits[0].id))")
        }
        if try git({ try repository.contains(local, in: other) }) {
          (target, outcome) = (other, .fastForwarded)
        } else {
          let lamport = max(ours.commits.last!.pack.lamport, incoming.commits.last!.pack.lamport) + 1
          let pack = OpPack(author: author, lamport: lamport, time: Self.now(), ops: [])
          let (blob, _) = try writePack(pack)
          (target, outcome) = (try writeCommit(pack: blob, parents: [local, other], author: pack), .merged)
        }
      } else {
        (target, outcome) = (other, .created)
      }
      do {
        try repository.updateReference(refName(id), to: target, expecting: local, message: "git-draft: merge")
        return (target, outcome)
      } catch let error as GitError where error.isRace && attempt < 200 {
        Self.backOff(attempt)
      } catch let error as GitError {
        throw DraftError.from(error)
      }
    }
  }

  /// The id an entity whose first pack is `pack` gets.
  public static func id(of pack: OpPack) throws -> String {
    SHA256.hex(of: try CanonicalJSON.encode(pack))
  }

  func writePack(_ pack: OpPack) throws -> (ObjectID, [UInt8]) {
    let bytes = Array(try CanonicalJSON.encode(pack))
    guard bytes.count <= Limits.packBytes else {
      throw DraftError(
        .invalidInput, "the change is \(bytes.count) bytes, over the limit of \(Limits.packBytes)")
    }
    return (try git { try repository.write(bytes, as: .blob) }, bytes)
  }

  /// The commit's message is a summary of its pack, so the same pack on the same parents
  /// always makes the same commit (an imported history reproduces the original commits).
  func writeCommit(pack blob: ObjectID, parents: [ObjectID], author pack: OpPack) throws
    -> ObjectID
  {
    try git {
      let marker = try repository.write(Self.marker, as: .blob)
      let tree = try repository.writeTree([
        TreeEntry(name: Self.packFile, id: blob), TreeEntry(name: Self.markerFile, id: marker),
      ])
      let signature = Signature(name: pack.author.name, email: pack.author.email, time: pack.time)
      return try repository.writeCommit(
        tree: tree, parents: parents, author: signature, message: pack.summary + "\n")
    }
  }

  public static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

  /// Sleeps a short, growing, jittered time so racing writers spread out.
  static func backOff(_ attempt: Int) {
    let micros = UInt32.random(in: 100...(200 + 100 * UInt32(min(attempt, 50))))
    usleep(micros)
  }

  /// 64 lowercase hex digits: what a sha256 id looks like.
  public static func isEntityID(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { isEntityID($0) }
  }

  static func isEntityID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count == 64 else { return false }
    // A plain loop: the board checks every ticket ref's name with it.
    for byte in bytes where !((byte &- 0x30) < 10 || (byte &- 0x61) < 6) { return false }
    return true
  }
}

/// JSON with sorted keys, so equal values always give equal bytes (ids are hashes of them).
enum CanonicalJSON {
  static func encode<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
  }
}
