import Glibc

/// The few file operations runs and hooks need, with errors a user can act on.
enum FileSystem {
  /// `mkdir -p`.
  static func makeDirectories(_ path: String) throws {
    if isDirectory(path) { return }
    if let slash = path.lastIndex(of: "/"), slash > path.startIndex {
      try makeDirectories(String(path[..<slash]))
    }
    if mkdir(path, 0o777) != 0 && errno != EEXIST { throw failure("cannot create", path) }
  }

  static func isDirectory(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
  }

  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  static func write(_ bytes: [UInt8], to path: String) throws {
    guard writeFile(path, [bytes]) else { throw failure("cannot write", path) }
  }

  /// The error for a failed system call on `path`, from `errno`.
  static func failure(_ what: String, _ path: String) -> DraftError {
    DraftError(.invalidInput, "\(what) \(path): \(String(cString: strerror(errno)))")
  }

  /// A path with `~/` expanded and made absolute against `base`.
  static func absolute(_ path: String, base: String) -> String {
    if path.hasPrefix("~/"), let home = getenv("HOME") { return String(cString: home) + path.dropFirst(1) }
    return path.hasPrefix("/") ? path : base + "/" + path
  }
}
