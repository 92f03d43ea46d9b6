import GitKit
import Glibc

/// The team's settings, committed in the repository as `.gitdraft` (git-config syntax, read as
/// git reads `.gitmodules`). Read from the target branch's commit, never from an agent's
/// worktree, so neither an agent nor a fetched ticket can change what verifies the work.
public struct TeamSettings: Sendable, Equatable {
  public static let fileName = ".gitdraft"

  public var verify: [String] = []
  public var executor: String?
  public var copyFiles: [String] = []

  /// The settings in `commit`'s `.gitdraft`; none when it has no such file.
  static func read(at commit: ObjectID, in repository: Repository, scratch: String) throws -> TeamSettings {
    try git {
      let tree = try repository.readCommit(commit).tree
      guard let blob = try repository.treeEntry(fileName, in: tree) else { return TeamSettings() }
      let bytes = try repository.read(blob, as: .blob, maxSize: 1 << 20)
      try FileSystem.makeDirectories(scratch)
      let path = scratch + "/team-config.\(getpid())"
      try FileSystem.write(bytes, to: path)
      defer { unlink(path) }
      let config = try Configuration.file(path)
      return TeamSettings(
        verify: try config.strings("draft.verify"), executor: try config.string("draft.executor"),
        copyFiles: try config.strings("draft.copyFiles"))
    }
  }
}

extension Draft {
  /// How long an agent may run unless `draft.timeout` or `--timeout` says otherwise.
  public static let defaultRunTimeout: Int64 = 30 * 60
}

/// What a run takes from git configuration, each with its default.
struct RunSettings {
  var timeout: Int64 = Draft.defaultRunTimeout
  var verifyTimeout: Int64 = 10 * 60
  var retries = 2
  var retryDelay: Int64 = 10
  var evidenceBytes = 16 << 10
  var localVerify: [String] = []
  var copyFiles: [String] = []
  var worktreeDirectory: String?
  /// Skip-all-permissions modes: only from this repository's own config file.
  var unrestricted = false

  init(_ draft: Draft) throws {
    let config = try draft.configuration()
    func string(_ key: String) throws -> String? { try git { try config.string(key) } }
    func duration(_ key: String, allowZero: Bool = false) throws -> Int64? {
      guard let text = try string(key) else { return nil }
      if allowZero && text.allSatisfy({ $0 == "0" || $0.isLetter }) && text.first == "0" { return 0 }
      do { return try Duration.seconds(text) } catch let error as DraftError {
        throw DraftError(.invalidInput, "\(key): \(error.message)")
      }
    }
    func count(_ key: String) throws -> Int? {
      guard let text = try string(key) else { return nil }
      guard let value = Int(text), value >= 0 else {
        throw DraftError(.invalidInput, "\(key) must be a whole number, not '\(text)'")
      }
      return value
    }
    timeout = try duration("draft.timeout") ?? timeout
    verifyTimeout = try duration("draft.verifyTimeout") ?? verifyTimeout
    retries = try count("draft.retries") ?? retries
    retryDelay = try duration("draft.retryDelay", allowZero: true) ?? retryDelay
    evidenceBytes = try count("draft.evidenceMaxBytes") ?? evidenceBytes
    localVerify = try git { try config.strings("draft.verify") }
    copyFiles = try git { try config.strings("draft.copyFiles") }
    worktreeDirectory = try string("draft.worktreeDir")
    let local = try git { try Configuration.file(draft.repository.commonDirectory + "/config") }
    unrestricted = try git { try local.bool("draft.skipPermissions") } ?? false
  }
}
