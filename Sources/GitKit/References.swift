import CLibgit2
import Glibc

/// A direct reference and the object it points at.
public struct Reference: Sendable, Equatable {
  public var name: String
  public var target: ObjectID

  public init(name: String, target: ObjectID) {
    self.name = name
    self.target = target
  }
}

extension Repository {
  /// The object `name` points at, or nil when the reference does not exist.
  public func referenceTarget(_ name: String) throws -> ObjectID? {
    var oid = git_oid()
    let result = git_reference_name_to_id(&oid, pointer, name)
    if result == GIT_ENOTFOUND.rawValue { return nil }
    try check(result, "cannot read reference \(name)")
    return ObjectID(oid)
  }

  /// All direct references whose names match `glob` (as `git for-each-ref` does), in name order.
  /// Symbolic references are skipped: nothing under our namespace should be one.
  public func references(matching glob: String) throws -> [Reference] {
    var found: [Reference] = []
    try forEachReference(matching: glob) { name, target in
      found.append(Reference(name: String(decoding: name, as: UTF8.self), target: target))
    }
    return found.sorted { $0.name < $1.name }
  }

  /// Calls `body` with the name (as UTF-8 bytes, valid only during the call) and target of
  /// every direct reference matching `glob`, in no particular order. Allocates nothing per
  /// reference: this is the fast path for scanning thousands of them.
  public func forEachReference(
    matching glob: String, _ body: (UnsafeBufferPointer<UInt8>, ObjectID) throws -> Void
  ) throws {
    // A whole namespace (`refs/draft/tickets/*`) is read from git's files directly: much faster.
    if glob.hasSuffix("/*"), !glob.dropLast().contains(where: { "*?[\\".contains($0) }) {
      return try forEachStoredReference(under: String(glob.dropLast()), body)
    }
    var iterator: OpaquePointer?
    try check(git_reference_iterator_glob_new(&iterator, pointer, glob), "cannot list references")
    defer { git_reference_iterator_free(iterator) }
    var reference: OpaquePointer?
    while true {
      let result = git_reference_next(&reference, iterator)
      if result == GIT_ITEROVER.rawValue { break }
      try check(result, "cannot list references")
      defer { git_reference_free(reference) }
      guard let target = git_reference_target(reference), let name = git_reference_name(reference) else {
        continue
      }
      let bytes = UnsafeBufferPointer(
        start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name))
      try body(bytes, ObjectID(target.pointee))
    }
  }

  /// Points `name` at `target` only if it still points at `expected` (nil: only if it does not
  /// exist yet). A lost race throws a `GitError` whose `isRace` is true.
  public func updateReference(
    _ name: String, to target: ObjectID, expecting expected: ObjectID?, message: String
  )
    throws
  {
    var reference: OpaquePointer?
    var oid = target.raw
    if let expected {
      var old = expected.raw
      try check(
        git_reference_create_matching(&reference, pointer, name, &oid, 1, &old, message),
        "cannot update \(name)")
    } else {
      try check(git_reference_create(&reference, pointer, name, &oid, 0, message), "cannot create \(name)")
    }
    git_reference_free(reference)
  }

  /// Points `name` at `target` whatever it pointed at: for refs only this program keeps
  /// (tracking refs of what a remote has), never for refs that hold data.
  public func setReference(_ name: String, to target: ObjectID, message: String) throws {
    var reference: OpaquePointer?
    var oid = target.raw
    try check(git_reference_create(&reference, pointer, name, &oid, 1, message), "cannot update \(name)")
    git_reference_free(reference)
  }

  /// The short name of the branch HEAD is on, or nil when HEAD is detached or unborn.
  public func currentBranch() -> String? {
    var head: OpaquePointer?
    guard git_repository_head(&head, pointer) == 0 else { return nil }
    defer { git_reference_free(head) }
    guard git_reference_is_branch(head) == 1, let name = git_reference_shorthand(head) else { return nil }
    return String(cString: name)
  }

}
