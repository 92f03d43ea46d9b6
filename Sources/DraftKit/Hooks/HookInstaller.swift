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
      let bin = FileSystem.parent(executable)
      let shared = FileSystem.resolved(bin + "/../share/git-draft/hooks")
      if holdsScripts(shared) { return shared }
      var directory = bin
      while directory != "/" && !directory.isEmpty {
        let hooks = directory + "/hooks"
        if FileSystem.kind(directory + "/Package.swift") != nil && holdsScripts(hooks) { return hooks }
        directory = FileSystem.parent(directory)
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
      path = try FileSystem.expandingTilde(path)
      if !path.hasPrefix("/") {
        path = (repository.workingDirectory ?? repository.gitDirectory) + "/" + path
      }
      return FileSystem.normalized(path)
    }
    return FileSystem.normalized(repository.commonDirectory + "/hooks")
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
    if let kind = FileSystem.kind(directory), kind != S_IFDIR {
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

    try FileSystem.makeDirectories(directory)
    for (name, current, previous) in plans {
      let path = directory + "/" + name
      let previousPath = path + HookScripts.previousSuffix
      // A copy of ours as the previous hook would run itself forever.
      if previous == .ours { try FileSystem.remove(previousPath) }
      let temporary = directory + "/." + name + ".git-draft-new"
      try FileSystem.writeExecutable(temporary, scripts[name]!)
      if current == .foreign {
        do {
          try FileSystem.rename(path, previousPath)
        } catch {
          try? FileSystem.remove(temporary)
          throw error
        }
      }
      try FileSystem.rename(temporary, path)
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
        if current == .ours { try FileSystem.remove(path) }
        var restored = false
        if previous == .ours {
          try FileSystem.remove(previousPath)
        } else if previous == .foreign {
          try FileSystem.rename(previousPath, path)
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
    switch FileSystem.kind(path) {
    case nil: self = .missing
    case S_IFDIR: self = .directory
    default:
      if FileSystem.kind(path, following: true) == S_IFDIR {
        self = .directory
      } else {
        self = readFile(path).map(HookScripts.isOurs) == true ? .ours : .foreign
      }
    }
  }
}
