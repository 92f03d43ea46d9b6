import GitKit
import Glibc

/// Where a ticket's agent works: its own branch, checked out in its own worktree outside the
/// user's working tree, so nothing the agent does touches the main tree, its index or HEAD.
public struct TicketWorktree: Sendable, Equatable {
  public var branch: String
  public var path: String

  /// `draft/<first 8 hex digits>-<slug of the title>`: readable, and safe whatever the title
  /// holds (only a-z, 0-9 and dashes come from it).
  static func branchName(id: String, title: String) -> String {
    var slug = ""
    for scalar in title.lowercased().unicodeScalars {
      if scalar.isASCII && (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)) {
        slug.unicodeScalars.append(scalar)
      } else if !slug.isEmpty && !slug.hasSuffix("-") {
        slug += "-"
      }
      if slug.count >= 40 { break }
    }
    while slug.hasSuffix("-") { slug.removeLast() }
    return "draft/\(id.prefix(8))" + (slug.isEmpty ? "" : "-\(slug)")
  }

  /// The default home of a repository's worktrees: `$XDG_DATA_HOME/git-draft/worktrees/`
  /// (else `~/.local/share/...`), one folder per repository.
  static func defaultDirectory(for repository: Repository) -> String {
    func variable(_ name: String) -> String? {
      getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
    let data = variable("XDG_DATA_HOME") ?? ((variable("HOME") ?? "/tmp") + "/.local/share")
    let top = Self.trimmed(repository.workingDirectory ?? repository.commonDirectory)
    var name = String(top.split(separator: "/").last ?? "repository")
    if name == ".git" {
      name = String(top.split(separator: "/").dropLast().last ?? "repository")
    }
    return "\(data)/git-draft/worktrees/\(name)-\(SHA256.hex(of: Array(top.utf8)).prefix(8))"
  }

  static func trimmed(_ path: String) -> String {
    var path = path
    while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    return path
  }
}

extension Draft {
  /// The worktree a run of this ticket uses; refuses a configured place inside the working tree.
  func worktree(for ticket: Ticket, configured: String?) throws -> TicketWorktree {
    let branch = TicketWorktree.branchName(id: ticket.id, title: ticket.title)
    let top = repository.workingDirectory.map(TicketWorktree.trimmed)
    let directory = TicketWorktree.trimmed(
      configured.map { FileSystem.absolute($0, base: top ?? repository.commonDirectory) }
        ?? TicketWorktree.defaultDirectory(for: repository))
    if let top, directory == top || directory.hasPrefix(top + "/") {
      throw DraftError(
        .invalidInput,
        "draft.worktreeDir (\(directory)) is inside the working tree; choose a directory outside \(top)")
    }
    return TicketWorktree(branch: branch, path: directory + "/" + branch.dropFirst("draft/".count))
  }

  /// Refuses copy-in paths that could reach outside the trees, before anything is made.
  static func checkCopyable(_ files: [String]) throws {
    for file in files {
      let parts = file.split(separator: "/")
      guard !file.hasPrefix("/"), !parts.contains(".."), !parts.isEmpty else {
        throw DraftError(.invalidInput, "draft.copyFiles: '\(file)' must be a path inside the working tree")
      }
    }
  }

  /// Creates the worktree on its branch from `base`, or reuses it when a run made it before.
  /// Returns true when it was created.
  func prepare(_ worktree: TicketWorktree, base: ObjectID, copying files: [String]) throws -> Bool {
    if FileSystem.exists(worktree.path + "/.git") {
      let head = try runGit(["symbolic-ref", "--quiet", "HEAD"], in: worktree.path, allowFailure: true).output
      guard head.hasSuffix("refs/heads/\(worktree.branch)\n") else {
        throw DraftError(
          .invalidInput,
          "\(worktree.path) is a worktree of another branch; move it away or set draft.worktreeDir")
      }
      return false
    }
    if FileSystem.exists(worktree.path) && rmdir(worktree.path) != 0 {
      throw DraftError(
        .invalidInput, "\(worktree.path) exists and is not this ticket's worktree; move it away")
    }
    try FileSystem.makeDirectories(String(worktree.path[..<worktree.path.lastIndex(of: "/")!]))
    let branchExists = try git { try repository.referenceTarget("refs/heads/" + worktree.branch) } != nil
    let add =
      branchExists
      ? ["worktree", "add", "--quiet", worktree.path, worktree.branch]
      : ["worktree", "add", "--quiet", "-b", worktree.branch, worktree.path, base.hex]
    try withWorktreeLock {
      // A worktree removed by hand leaves an entry git must forget before the path is reused.
      _ = try runGit(["worktree", "prune"], in: repository.commonDirectory)
      _ = try runGit(add, in: repository.commonDirectory)
    }
    if let top = repository.workingDirectory { try copy(files, from: top, to: worktree.path) }
    return true
  }

  /// Serializes this clone's worktree bookkeeping: `git worktree prune` deletes the entry of a
  /// worktree another run is adding at that moment (its gitdir file is not written yet).
  func withWorktreeLock<T>(_ body: () throws -> T) throws -> T {
    try FileSystem.withLock(runsDirectory + "/worktrees.lock", body)
  }

  /// Pathspecs that leave out the files a run copied into the worktree at `path`; a file git
  /// tracks there is not a copy (the run never copies over one) and stays in.
  func excludingCopies(_ copied: [String], in path: String) throws -> [String] {
    guard !copied.isEmpty else { return [] }
    let tracked = try runGit(["ls-files", "-z", "--"] + copied.map { ":(literal)" + $0 }, in: path).output
    let trackedFiles = Set(tracked.split(separator: "\0").map(String.init))
    return copied.filter { !trackedFiles.contains($0) }.map { ":(exclude,literal)" + $0 }
  }

  /// Copies untracked files a run needs (such as `.env`) from the working tree; only regular
  /// files given by a relative path, never over a file the worktree already has.
  private func copy(_ files: [String], from source: String, to destination: String) throws {
    for file in files {
      var status = stat()
      guard lstat(source + "/" + file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
        !FileSystem.exists(destination + "/" + file), let bytes = readFile(source + "/" + file)
      else { continue }
      let target = destination + "/" + file
      try FileSystem.makeDirectories(String(target[..<target.lastIndex(of: "/")!]))
      try FileSystem.write(bytes, to: target)
      chmod(target, status.st_mode & 0o777)
    }
  }

  /// Runs the user's `git` in `directory` with a run's environment (plus `environment`); a
  /// failure is an error carrying git's own words.
  @discardableResult
  func runGit(
    _ arguments: [String], in directory: String, environment: [String] = [], allowFailure: Bool = false
  ) throws -> ChildProcess.Result {
    var process = ChildProcess("git", arguments, in: directory)
    process.environment = RunEnvironment.make(["GIT_DRAFT_RUN=1"] + environment)
    let result = try process.run()
    if result.status != 0 && !allowFailure {
      throw DraftError(
        .git,
        "git \(arguments.prefix(2).joined(separator: " ")) failed in \(directory): \(GitTransport.lastLine(result.errors))"
      )
    }
    return result
  }
}
