import CLibgit2

private let libgit2Ready: Void = {
  git_libgit2_init()
  // Tree and commit writes name only objects we just wrote; skipping the existence check
  // per object is what makes bulk writes fast.
  _ = git_draft_set_strict_object_creation(0)
}()

/// An open repository. Owns its libgit2 handle and frees it when released.
public final class Repository {
  let pointer: OpaquePointer
  /// The object database reads and writes go through (swapped during `batchWrites`).
  var odb: OpaquePointer

  private init(_ pointer: OpaquePointer) throws {
    self.pointer = pointer
    var odb: OpaquePointer?
    do {
      try check(git_repository_odb(&odb, pointer), "cannot open the object database")
    } catch {
      git_repository_free(pointer)
      throw error
    }
    self.odb = odb!
  }

  deinit {
    git_odb_free(odb)
    git_repository_free(pointer)
  }

  /// Opens the repository containing `path`, searching upwards as git does.
  public static func discover(from path: String) throws -> Repository {
    _ = libgit2Ready
    var repo: OpaquePointer?
    try translateOpenFailure(git_repository_open_ext(&repo, path, 0, nil), path: path)
    return try Repository(repo!)
  }

  /// Opens the repository as the git command line would: `GIT_DIR`, `GIT_WORK_TREE`,
  /// `GIT_CEILING_DIRECTORIES` and friends are honoured, else the search starts here.
  public static func discoverFromEnvironment() throws -> Repository {
    _ = libgit2Ready
    var repo: OpaquePointer?
    let result = git_repository_open_ext(&repo, nil, GIT_REPOSITORY_OPEN_FROM_ENV.rawValue, nil)
    try translateOpenFailure(result, path: ".")
    return try Repository(repo!)
  }

  private static func translateOpenFailure(_ result: Int32, path: String) throws {
    if result == GIT_ENOTFOUND.rawValue {
      throw GitError(.notFound, "not a git repository (or any of the parent directories): \(path)")
    }
    if result == GIT_EOWNER.rawValue {
      throw GitError(
        .notOwned,
        "the repository at \(path) is owned by another user; if you trust it, run "
          + "'git config --global --add safe.directory <its path>' and try again")
    }
    try check(result, "cannot open the repository at \(path)")
  }

  /// Creates a new repository (used by tests and the benchmark).
  public static func create(at path: String, bare: Bool = false) throws -> Repository {
    _ = libgit2Ready
    var repo: OpaquePointer?
    try check(git_repository_init(&repo, path, bare ? 1 : 0), "cannot create a repository at \(path)")
    return try Repository(repo!)
  }

  /// The `.git` directory of this worktree.
  public var gitDirectory: String { String(cString: git_repository_path(pointer)) }

  /// The directory shared by all worktrees (where refs and objects live).
  public var commonDirectory: String { String(cString: git_repository_commondir(pointer)) }

  /// The working tree, or nil for a bare repository.
  public var workingDirectory: String? { git_repository_workdir(pointer).map { String(cString: $0) } }
}
