import GitKit

/// A remote the board syncs with, and where its refs are tracked locally.
///
/// Tracking refs live under `refs/draft-remote/<name>/`: not under `refs/heads` or
/// `refs/remotes` (so `git branch -a` stays clean), not under `refs/draft/` (so they are
/// never pushed back), and never read as the board itself.
public struct Remote: Sendable, Equatable {
  /// What git is told to fetch from and push to: a configured remote's name, a URL or a path.
  public var name: String
  /// `refs/draft-remote/<key>/`, where the key is the remote's name, or a hash of a URL.
  public var trackingPrefix: String

  static let namespace = "refs/draft-remote/"

  /// The remote `name`, or the default one: the current branch's remote, else `origin`.
  static func resolve(_ name: String?, in repository: Repository) throws -> Remote {
    let config = try git { try repository.configuration() }
    func configured(_ name: String) throws -> Bool {
      try git { try config.string("remote.\(name).url") } != nil
    }
    let chosen: String
    if let name {
      chosen = name
    } else if let branch = repository.currentBranch(),
      let remote = try git({ try config.string("branch.\(branch).remote") }), remote != ".",
      try configured(remote)
    {
      chosen = remote
    } else if try configured("origin") {
      chosen = "origin"
    } else {
      throw DraftError(
        .invalidInput,
        "no remote to sync with: add one (git remote add origin URL) or name it (git draft sync REMOTE)")
    }
    if try configured(chosen) {
      guard chosen.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7f && !"~^:?*[\\".utf8.contains($0) }),
        !chosen.contains("..")
      else { throw DraftError(.invalidInput, "the remote name '\(chosen)' cannot name refs; rename it") }
      return Remote(name: chosen, trackingPrefix: namespace + chosen + "/")
    }
    guard chosen.contains("/") || chosen.contains(":") else {
      throw DraftError(.invalidInput, "no remote named '\(chosen)'; 'git remote -v' lists them")
    }
    // A URL or a path: tracked under a name made from it.
    return Remote(
      name: chosen, trackingPrefix: namespace + "url-" + SHA256.hex(of: Array(chosen.utf8)).prefix(12) + "/")
  }

  func trackingRef(_ localRef: String) -> String {
    trackingPrefix + localRef.dropFirst("refs/".count)
  }
}

/// The user's own `git`, run on this repository for network transport: their ssh config,
/// credential helpers and `insteadOf` rules apply. Object and ref writing stays in libgit2.
struct GitTransport {
  let repository: Repository

  func run(_ arguments: [String]) throws -> ChildProcess.Result {
    try ChildProcess("git", ["--git-dir=\(repository.gitDirectory)"] + arguments).run()
  }

  /// Fetches `refspecs` from `remote`; a failure throws with git's own last words.
  func fetch(_ remote: Remote, _ refspecs: [String]) throws {
    let result = try run(
      ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--prune", remote.name] + refspecs)
    guard result.status == 0 else {
      throw DraftError(.git, "cannot fetch from \(remote.name): \(Self.lastLine(result.errors))")
    }
  }

  /// One ref's outcome in `git push --porcelain`.
  struct Pushed: Equatable {
    var ref: String
    var accepted: Bool
    var reason: String
  }

  /// Pushes `refspecs` (with optional leases), never forcing; returns each ref's outcome.
  /// Rejections are outcomes, not errors: the caller decides whether to merge and retry.
  func push(_ remote: Remote, _ refspecs: [String], leases: [String] = []) throws -> [Pushed] {
    let result = try run(["push", "--porcelain", "--no-verify"] + leases + [remote.name] + refspecs)
    var outcomes: [Pushed] = []
    for line in result.output.split(separator: "\n") {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count >= 3, let flag = fields[0].first else { continue }
      let destination = fields[1].split(separator: ":").last.map(String.init) ?? ""
      outcomes.append(Pushed(ref: destination, accepted: flag != "!", reason: String(fields[2])))
    }
    if result.status != 0 && outcomes.isEmpty {
      throw DraftError(.git, "cannot push to \(remote.name): \(Self.lastLine(result.errors))")
    }
    return outcomes
  }

  /// What git said went wrong: from its first `fatal:`/`error:` line to the end (a reason
  /// such as `errno=Connection refused` often follows on the next line), as one line.
  static func lastLine(_ text: String) -> String {
    let lines = text.split(whereSeparator: \.isNewline).map { $0.drop { $0 == " " } }.filter { !$0.isEmpty }
    let start =
      lines.firstIndex { $0.hasPrefix("fatal:") || $0.hasPrefix("error:") } ?? max(lines.count - 1, 0)
    let message = lines[start...].joined(separator: " ")
    return Terminal.clean(message.isEmpty ? "git failed" : message)
  }
}
