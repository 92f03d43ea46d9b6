import GitKit
import Glibc

/// The git hooks git-draft installs: thin scripts (the project's `hooks/`) that call
/// `git draft hook NAME` and then run the hook that was there before, kept as `NAME.pre-draft`.
public enum HookScripts {
  /// The hooks git-draft installs, in the order they are installed.
  public static let names = ["post-commit", "pre-push"]
  /// The line that marks a hook as git-draft's own.
  static let marker = "# git-draft hook"
  /// The suffix of the user's previous hook, which ours runs after itself.
  public static let previousSuffix = ".pre-draft"

  /// True when `bytes` (a hook file) is one of git-draft's scripts.
  static func isOurs(_ bytes: [UInt8]) -> Bool {
    String(decoding: bytes, as: UTF8.self).split(separator: "\n").contains { $0.hasPrefix(marker) }
  }

  /// The directory holding the scripts to install: `GIT_DRAFT_HOOKS_DIR`, else
  /// `../share/git-draft/hooks` beside the running binary, else the `hooks` folder of the
  /// package the binary was built in (running from `<package>/.build/...`).
  public static func sourceDirectory() throws -> String {
    if let value = getenv("GIT_DRAFT_HOOKS_DIR").map({ String(cString: $0) }), !value.isEmpty {
      guard holdsScripts(value) else {
        throw DraftError(
          .notFound,
          "GIT_DRAFT_HOOKS_DIR (\(value)) does not hold git-draft's hook scripts (\(names.joined(separator: ", "))); "
            + "point it at the hooks directory git-draft was installed with")
      }
      return value
    }
    if let executable = executablePath() {
      let bin = HookPaths.parent(executable)
      let shared = HookPaths.resolved(bin + "/../share/git-draft/hooks")
      if holdsScripts(shared) { return shared }
      var directory = bin
      while directory != "/" && !directory.isEmpty {
        let hooks = directory + "/hooks"
        if HookPaths.kind(directory + "/Package.swift") != nil && holdsScripts(hooks) { return hooks }
        directory = HookPaths.parent(directory)
      }
    }
    throw DraftError(
      .notFound,
      "cannot find git-draft's hook scripts (\(names.joined(separator: ", "))); "
        + "set GIT_DRAFT_HOOKS_DIR to the directory that holds them")
  }

  /// True when `directory` holds every script, each marked as ours.
  static func holdsScripts(_ directory: String) -> Bool {
    names.allSatisfy { name in readFile(directory + "/" + name).map(isOurs) ?? false }
  }

  /// The running binary, from `/proc/self/exe`.
  static func executablePath() -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// What `hooks install` or `hooks uninstall` did, hook by hook.
public struct HookReport: Sendable, Equatable {
  public enum Action: Sendable, Equatable {
    /// Install: ours written where none of ours was.
    case installed
    /// Install: ours was already there and was rewritten with the current script.
    case updated
    /// Uninstall: ours removed.
    case removed
    /// Uninstall: no hook of ours was there.
    case absent
    /// Uninstall: the hook there is not git-draft's, and was left alone.
    case foreign
  }

  public struct Entry: Sendable, Equatable {
    public var name: String
    public var action: Action
    /// Install: the user's previous hook, which ours runs after itself, as `NAME.pre-draft`.
    /// Uninstall: the previous hook was moved back to `NAME`.
    public var previous: Bool
    /// Install: this install moved the user's hook to `NAME.pre-draft`.
    public var movedAside: Bool = false
  }

  /// The hooks directory: `core.hooksPath`, else the hooks of the common git directory.
  public var directory: String
  public var entries: [Entry] = []
}

extension Draft {
  /// Where git runs this repository's hooks from: `core.hooksPath` (relative to the working
  /// tree's top, or to the git directory of a bare repository; `~` expanded), else the
  /// `hooks` directory of the common git directory, which every worktree shares.
  public func hooksDirectory() throws -> String {
    let config = try configuration()
    if var path = try git({ try config.string("core.hooksPath") }), !path.isEmpty {
      path = try HookPaths.expandingTilde(path)
      if !path.hasPrefix("/") {
        path = (repository.workingDirectory ?? repository.gitDirectory) + "/" + path
      }
      return HookPaths.normalized(path)
    }
    return HookPaths.normalized(repository.commonDirectory + "/hooks")
  }

  /// Puts git-draft's hooks in place. A hook of the user's is kept as `NAME.pre-draft` and
  /// runs after ours; one of ours is replaced (so installing again changes nothing else).
  /// Every hook is checked before anything is changed: a conflict changes nothing.
  public func installHooks(from source: String? = nil) throws -> HookReport {
    let source = try source ?? HookScripts.sourceDirectory()
    var scripts: [String: [UInt8]] = [:]
    for name in HookScripts.names {
      let path = source + "/" + name
      guard let bytes = readFile(path), HookScripts.isOurs(bytes) else {
        throw DraftError(
          .notFound,
          "\(path) is not a git-draft hook script; set GIT_DRAFT_HOOKS_DIR to git-draft's hooks directory")
      }
      scripts[name] = bytes
    }
    let directory = try hooksDirectory()
    var report = HookReport(directory: directory)

    // Check everything first.
    if let kind = HookPaths.kind(directory), kind != S_IFDIR {
      throw DraftError(
        .invalidInput, "the hooks directory \(directory) is not a directory; fix core.hooksPath")
    }
    var plans: [(name: String, current: HookFile, previous: HookFile)] = []
    for name in HookScripts.names {
      let path = directory + "/" + name
      let previousPath = path + HookScripts.previousSuffix
      let current = HookFile(path)
      let previous = HookFile(previousPath)
      if current == .directory || previous == .directory {
        throw DraftError(
          .invalidInput,
          "\(current == .directory ? path : previousPath) is a directory; move it away and try again")
      }
      if current == .foreign && previous != .missing && previous != .ours {
        throw DraftError(
          .invalidInput,
          "cannot keep your \(name) hook: \(previousPath) already exists; "
            + "merge or remove one of \(name) and \(name)\(HookScripts.previousSuffix), then install again")
      }
      plans.append((name, current, previous))
    }

    try HookPaths.makeDirectories(directory)
    for (name, current, previous) in plans {
      let path = directory + "/" + name
      let previousPath = path + HookScripts.previousSuffix
      // A copy of ours as the previous hook would run itself forever.
      if previous == .ours { try HookPaths.remove(previousPath) }
      let temporary = directory + "/." + name + ".git-draft-new"
      try HookPaths.writeExecutable(temporary, scripts[name]!)
      if current == .foreign {
        do {
          try HookPaths.rename(path, previousPath)
        } catch {
          try? HookPaths.remove(temporary)
          throw error
        }
      }
      try HookPaths.rename(temporary, path)
      report.entries.append(
        HookReport.Entry(
          name: name, action: current == .ours ? .updated : .installed,
          previous: current == .foreign || (previous != .missing && previous != .ours),
          movedAside: current == .foreign))
    }
    return report
  }

  /// Removes git-draft's hooks and moves the user's previous hooks back. A hook that is not
  /// git-draft's is left alone. Running it again changes nothing.
  public func uninstallHooks() throws -> HookReport {
    let directory = try hooksDirectory()
    var report = HookReport(directory: directory)
    for name in HookScripts.names {
      let path = directory + "/" + name
      let previousPath = path + HookScripts.previousSuffix
      let current = HookFile(path)
      let previous = HookFile(previousPath)
      switch current {
      case .foreign, .directory:
        report.entries.append(HookReport.Entry(name: name, action: .foreign, previous: false))
      case .ours, .missing:
        if current == .ours { try HookPaths.remove(path) }
        var restored = false
        if previous == .ours {
          try HookPaths.remove(previousPath)
        } else if previous == .foreign {
          try HookPaths.rename(previousPath, path)
          restored = true
        }
        report.entries.append(
          HookReport.Entry(name: name, action: current == .ours ? .removed : .absent, previous: restored))
      }
    }
    return report
  }
}

/// What a path in the hooks directory holds.
enum HookFile: Equatable {
  case missing
  case directory
  /// One of git-draft's scripts.
  case ours
  /// Anything else: the user's hook (a file, or a link, even a dangling one).
  case foreign

  init(_ path: String) {
    switch HookPaths.kind(path) {
    case nil: self = .missing
    case S_IFDIR: self = .directory
    default:
      if HookPaths.kind(path, following: true) == S_IFDIR {
        self = .directory
      } else {
        self = readFile(path).map(HookScripts.isOurs) == true ? .ours : .foreign
      }
    }
  }
}

/// Small file system helpers over Glibc.
enum HookPaths {
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
      throw DraftError(.invalidInput, "cannot expand \(path) in core.hooksPath: no such home directory")
    }
    return home + tail
  }

  static func makeDirectories(_ path: String) throws {
    if kind(path, following: true) == S_IFDIR { return }
    let parentPath = parent(path)
    if parentPath != path { try makeDirectories(parentPath) }
    if mkdir(path, 0o777) != 0 && errno != EEXIST { throw failure("cannot create", path) }
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

  static func remove(_ path: String) throws {
    guard unlink(path) == 0 || errno == ENOENT else { throw failure("cannot remove", path) }
  }

  private static func failure(_ what: String, _ path: String) -> DraftError {
    DraftError(.invalidInput, "\(what) \(path): \(String(cString: strerror(errno)))")
  }
}
