import CLibgit2

extension Repository {
  /// True when the object database holds `id` (a revision's commit may not be fetched yet).
  public func hasObject(_ id: ObjectID) -> Bool {
    var oid = id.raw
    return git_odb_exists(odb, &oid) != 0
  }

  /// The content of the file at `path` (slash-separated, from the root) in commit `commit`,
  /// or nil when that commit has no file there (nothing, a directory or a submodule).
  public func file(at path: String, inCommit commit: ObjectID, maxSize: Int) throws -> [UInt8]? {
    var treeID = try readCommit(commit).tree.raw
    var tree: OpaquePointer?
    try check(git_tree_lookup(&tree, pointer, &treeID), "cannot read the tree of \(commit)")
    defer { git_tree_free(tree) }
    var entry: OpaquePointer?
    let result = git_tree_entry_bypath(&entry, tree, path)
    if result == GIT_ENOTFOUND.rawValue { return nil }
    try check(result, "cannot look up \(path) in \(commit)")
    defer { git_tree_entry_free(entry) }
    guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
    return try read(ObjectID(git_tree_entry_id(entry).pointee), as: .blob, maxSize: maxSize)
  }
}
