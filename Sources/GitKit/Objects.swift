import CLibgit2

public enum ObjectKind: Sendable {
  case blob, tree, commit

  var raw: git_object_t {
    switch self {
    case .blob: GIT_OBJECT_BLOB
    case .tree: GIT_OBJECT_TREE
    case .commit: GIT_OBJECT_COMMIT
    }
  }
}

/// One entry of a tree to write.
public struct TreeEntry: Sendable {
  public var name: String
  public var id: ObjectID
  public var isTree: Bool

  public init(name: String, id: ObjectID, isTree: Bool = false) {
    self.name = name
    self.id = id
    self.isTree = isTree
  }
}

/// A commit as read back: what the entity engine needs to walk history.
public struct CommitRecord: Sendable {
  public var id: ObjectID
  public var tree: ObjectID
  public var parents: [ObjectID]
  public var time: Int64
}

/// Who made a change, and when.
public struct Signature: Sendable, Equatable {
  public var name: String
  public var email: String
  public var time: Int64

  public init(name: String, email: String, time: Int64) {
    self.name = name
    self.email = email
    self.time = time
  }
}

extension Repository {
  /// Writes raw object content to the object database.
  public func write(_ bytes: [UInt8], as kind: ObjectKind) throws -> ObjectID {
    var oid = git_oid()
    try check(git_odb_write(&oid, odb, bytes, bytes.count, kind.raw), "cannot write an object")
    return ObjectID(oid)
  }

  /// Reads an object's content, refusing other kinds and anything larger than `maxSize`
  /// before loading it (refs may come from anyone; a 50 MB blob must not be read to be refused).
  public func read(_ id: ObjectID, as kind: ObjectKind, maxSize: Int) throws -> [UInt8] {
    var oid = id.raw
    var size = 0
    var type = GIT_OBJECT_INVALID
    try check(git_odb_read_header(&size, &type, odb, &oid), "cannot read object \(id)")
    guard type == kind.raw else {
      throw GitError(
        .invalidObject, "object \(id) is a \(Self.name(of: type)), expected a \(Self.name(of: kind.raw))")
    }
    guard size <= maxSize else {
      throw GitError(.invalidObject, "object \(id) is \(size) bytes, over the limit of \(maxSize)")
    }
    var object: OpaquePointer?
    try check(git_odb_read(&object, odb, &oid), "cannot read object \(id)")
    defer { git_odb_object_free(object) }
    let count = git_odb_object_size(object)
    guard count > 0, let data = git_odb_object_data(object) else { return [] }
    return Array(UnsafeRawBufferPointer(start: data, count: count))
  }

  public func writeTree(_ entries: [TreeEntry]) throws -> ObjectID {
    var builder: OpaquePointer?
    try check(git_treebuilder_new(&builder, pointer, nil), "cannot build a tree")
    defer { git_treebuilder_free(builder) }
    for entry in entries {
      var oid = entry.id.raw
      let mode = entry.isTree ? GIT_FILEMODE_TREE : GIT_FILEMODE_BLOB
      try check(
        git_treebuilder_insert(nil, builder, entry.name, &oid, mode), "cannot add \(entry.name) to a tree")
    }
    var oid = git_oid()
    try check(git_treebuilder_write(&oid, builder), "cannot write a tree")
    return ObjectID(oid)
  }

  /// The id of the entry `name` in tree `tree`, or nil when there is none.
  public func treeEntry(_ name: String, in tree: ObjectID) throws -> ObjectID? {
    var oid = tree.raw
    var object: OpaquePointer?
    try check(git_tree_lookup(&object, pointer, &oid), "cannot read tree \(tree)")
    defer { git_tree_free(object) }
    guard let entry = git_tree_entry_byname(object, name) else { return nil }
    return ObjectID(git_tree_entry_id(entry).pointee)
  }

  /// The entries of tree `tree`, in git's order.
  public func treeEntries(_ tree: ObjectID) throws -> [TreeEntry] {
    var oid = tree.raw
    var object: OpaquePointer?
    try check(git_tree_lookup(&object, pointer, &oid), "cannot read tree \(tree)")
    defer { git_tree_free(object) }
    return (0..<git_tree_entrycount(object)).compactMap { index in
      guard let entry = git_tree_entry_byindex(object, index) else { return nil }
      return TreeEntry(
        name: String(cString: git_tree_entry_name(entry)), id: ObjectID(git_tree_entry_id(entry).pointee),
        isTree: git_tree_entry_type(entry) == GIT_OBJECT_TREE)
    }
  }

  public func writeCommit(
    tree: ObjectID, parents: [ObjectID], author: Signature, message: String
  ) throws -> ObjectID {
    var signature: UnsafeMutablePointer<git_signature>?
    try check(
      git_signature_new(&signature, author.name, author.email, author.time, 0),
      "cannot use the identity \(author.name) <\(author.email)>")
    defer { git_signature_free(signature) }
    var treeOid = tree.raw
    let parentOids = parents.map { oid -> UnsafePointer<git_oid>? in
      let pointer = UnsafeMutablePointer<git_oid>.allocate(capacity: 1)
      pointer.initialize(to: oid.raw)
      return UnsafePointer(pointer)
    }
    defer { parentOids.forEach { UnsafeMutablePointer(mutating: $0)?.deallocate() } }
    var oid = git_oid()
    var parentArray = parentOids
    try check(
      git_commit_create_from_ids(
        &oid, pointer, nil, signature, signature, nil, message, &treeOid, parents.count, &parentArray),
      "cannot write a commit")
    return ObjectID(oid)
  }

  public func readCommit(_ id: ObjectID) throws -> CommitRecord {
    var oid = id.raw
    var type = GIT_OBJECT_INVALID
    var size = 0
    try check(git_odb_read_header(&size, &type, odb, &oid), "cannot read object \(id)")
    guard type == GIT_OBJECT_COMMIT else {
      throw GitError(.invalidObject, "object \(id) is a \(Self.name(of: type)), expected a commit")
    }
    var commit: OpaquePointer?
    try check(git_commit_lookup(&commit, pointer, &oid), "cannot read commit \(id)")
    defer { git_commit_free(commit) }
    let parents = (0..<git_commit_parentcount(commit)).map {
      ObjectID(git_commit_parent_id(commit, $0).pointee)
    }
    return CommitRecord(
      id: id, tree: ObjectID(git_commit_tree_id(commit).pointee), parents: parents,
      time: git_commit_time(commit))
  }

  static func name(of type: git_object_t) -> String {
    git_object_type2string(type).map { String(cString: $0) } ?? "unknown object"
  }
}
