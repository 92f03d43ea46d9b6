import CLibgit2

extension Repository {
  /// Runs `body` with object writes collected in memory, then stores them as one packfile.
  /// Thousands of small objects written loose cost a file each; one pack costs one file.
  /// Objects written inside `body` are on disk only when this returns: point references at
  /// them afterwards, never inside `body`. Only commits and what they reach are kept (that is
  /// what libgit2's in-memory pack writes out); a blob no commit reaches is dropped.
  public func batchWrites<T>(_ body: () throws -> T) throws -> T {
    var batch: OpaquePointer?
    try check(git_odb_open(&batch, commonDirectory + "objects"), "cannot open the object database")
    defer { git_odb_free(batch) }
    var memory: UnsafeMutablePointer<git_odb_backend>?
    try check(git_mempack_new(&memory), "cannot start a batch of writes")
    try check(git_odb_add_backend(batch, memory, 1000), "cannot start a batch of writes")

    let saved = odb
    try check(git_repository_set_odb(pointer, batch), "cannot start a batch of writes")
    odb = batch!
    // Afterwards a freshly opened database: libgit2 notices new packs by the pack directory's
    // mtime in whole seconds, so the old one might not see the pack written here.
    defer {
      var fresh: OpaquePointer?
      if git_odb_open(&fresh, commonDirectory + "objects") == 0, let fresh {
        git_repository_set_odb(pointer, fresh)
        odb = fresh
        git_odb_free(saved)
      } else {
        git_repository_set_odb(pointer, saved)
        odb = saved
      }
    }
    let result = try body()

    var buffer = git_buf()
    defer { git_buf_dispose(&buffer) }
    try check(git_mempack_dump(&buffer, pointer, memory), "cannot pack the written objects")
    var writer: UnsafeMutablePointer<git_odb_writepack>?
    try check(git_odb_write_pack(&writer, saved, nil, nil), "cannot write a packfile")
    defer { writer?.pointee.free(writer) }
    var progress = git_indexer_progress()
    try check(writer!.pointee.append(writer, buffer.ptr, buffer.size, &progress), "cannot write a packfile")
    try check(writer!.pointee.commit(writer, &progress), "cannot write a packfile")
    return result
  }
}
