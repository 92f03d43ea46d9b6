import Glibc

/// The few file operations runs and hooks need over Glibc, with errors a user can act on.
enum FileSystem {
  /// `mkdir -p`.
  static func makeDirectories(_ path: String) throws {
    if isDirectory(path) { return }
    if let slash = path.lastIndex(of: "/"), slash > path.startIndex {
      try makeDirectories(String(path[..<slash]))
    }
    if mkdir(path, 0o777) != 0 && errno != EEXIST { throw failure("cannot create", path) }
  }

  static func isDirectory(_ path: String) -> Bool { kind(path, following: true) == S_IFDIR }

  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  static func write(_ bytes: [UInt8], to path: String) throws {
    guard writeFile(path, [bytes]) else { throw failure("cannot write", path) }
  }

  /// The error for a failed system call on `path`, from `errno`.
  static func failure(_ what: String, _ path: String) -> DraftError {
    DraftError(.invalidInput, "\(what) \(path): \(String(cString: strerror(errno)))")
  }

  /// A path with `~` expanded and made absolute against `base`.
  static func absolute(_ path: String, base: String) -> String {
    let path = (try? expandingTilde(path)) ?? path
    return path.hasPrefix("/") ? path : base + "/" + path
  }

  /// The file type bits (`S_IFREG`, `S_IFDIR`, `S_IFLNK`, ...) of `path`, or nil when nothing is
  /// there. Links are not followed unless asked.
  static func kind(_ path: String, following: Bool = false) -> mode_t? {
    var status = stat()
    let result = following ? stat(path, &status) : lstat(path, &status)
    return result == 0 ? status.st_mode & S_IFMT : nil
  }

  static func parent(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// `path` without empty and `.` components (`..` is kept: it may cross a link).
  static func normalized(_ path: String) -> String {
    let parts = path.split(separator: "/").filter { $0 != "." }
    return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
  }

  /// The canonical path when it exists, else `path` normalized.
  static func resolved(_ path: String) -> String {
    guard let real = realpath(path, nil) else { return normalized(path) }
    defer { free(real) }
    return String(cString: real)
  }

  /// `~` and `~/...` become the home directory, `~user/...` that user's, as git does.
  static func expandingTilde(_ path: String) throws -> String {
    guard path.hasPrefix("~") else { return path }
    let rest = path.dropFirst()
    let user = rest.prefix { $0 != "/" }
    let tail = rest.dropFirst(user.count)
    let home: String?
    if user.isEmpty {
      home = getenv("HOME").map { String(cString: $0) }
    } else {
      home = getpwnam(String(user)).flatMap { $0.pointee.pw_dir }.map { String(cString: $0) }
    }
    guard let home, !home.isEmpty else {
      throw DraftError(.invalidInput, "cannot expand \(path): no such home directory")
    }
    return home + tail
  }

  /// Writes `bytes` to a new file at `path` with mode 0755 (whatever the umask).
  static func writeExecutable(_ path: String, _ bytes: [UInt8]) throws {
    unlink(path)
    guard writeFile(path, [bytes]) else {
      let error = failure("cannot write", path)
      unlink(path)
      throw error
    }
    guard chmod(path, 0o755) == 0 else { throw failure("cannot make executable", path) }
  }

  static func rename(_ from: String, _ to: String) throws {
    guard Glibc.rename(from, to) == 0 else { throw failure("cannot rename \(from) to", to) }
  }

  /// Runs `body` holding an exclusive lock on the file at `path` (created if missing). The lock
  /// holds against other processes and against other threads of this one, each opening its own.
  static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
    try makeDirectories(parent(path))
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw failure("cannot open", path) }
    defer { close(fd) }
    while flock(fd, LOCK_EX) != 0 {
      guard errno == EINTR else { throw failure("cannot lock", path) }
    }
    return try body()
  }

  static func remove(_ path: String) throws {
    guard unlink(path) == 0 || errno == ENOENT else { throw failure("cannot remove", path) }
  }
}
