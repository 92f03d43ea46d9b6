import Foundation
import Testing

/// `git draft hooks install|uninstall` and the installed scripts, run by the real git.
@Suite struct HookTests {
  /// The package's own `hooks/`, what `hooks install` copies.
  static let packageHooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("hooks").path

  /// What git needs to find the built git-draft, and git-draft its scripts.
  static let environment: [String: String] = [
    "GIT_DRAFT_HOOKS_DIR": packageHooks,
    "PATH": URL(fileURLWithPath: gitDraftBinary).deletingLastPathComponent().path + ":"
      + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
  ]

  static let names = ["post-commit", "pre-push"]

  /// A hook of the user's that appends a line to `log` each time it runs.
  static func userHook(_ log: String, exit status: Int = 0) -> Data {
    Data("#!/bin/sh\necho \"ran $# $*\" >> '\(log)'\nexit \(status)\n".utf8)
  }

  /// Runs `git draft ARGS` in `directory` with the hooks environment.
  @discardableResult
  func draft(
    _ sandbox: Sandbox, _ arguments: String..., in directory: String? = nil, extra: [String: String] = [:]
  )
    throws -> ProcessResult
  {
    try runProcess(
      gitDraftBinary, arguments, in: directory ?? sandbox.repo,
      environment: Self.environment.merging(extra) { $1 })
  }

  /// Runs `git ARGS` in `directory` with the built git-draft on PATH.
  @discardableResult
  func git(
    _ sandbox: Sandbox, _ arguments: String..., in directory: String? = nil, extra: [String: String] = [:]
  )
    throws -> ProcessResult
  {
    try runProcess(
      gitBinary, arguments, in: directory ?? sandbox.repo, environment: Self.environment.merging(extra) { $1 }
    )
  }

  func install(_ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try draft(sandbox, "hooks", "install")
    #expect(result.status == 0, "install failed: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr == "", sourceLocation: sourceLocation)
    return result.stdout
  }

  func commit(
    _ sandbox: Sandbox, _ message: String, in directory: String? = nil, extra: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ProcessResult {
    let result = try git(sandbox, "commit", "-q", "--allow-empty", "-m", message, in: directory, extra: extra)
    #expect(result.status == 0, "commit failed: \(result.stderr)", sourceLocation: sourceLocation)
    return result
  }

  func write(_ path: String, _ data: Data, executable: Bool = true) throws {
    try data.write(to: URL(fileURLWithPath: path))
    if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
  }

  func read(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

  func mode(_ path: String) throws -> Int {
    try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? 0
  }

  func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  /// Every file in `directory` with its bytes and mode: to prove nothing changed.
  func snapshot(_ directory: String) throws -> [String: String] {
    var files: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
      let path = directory + "/" + name
      files[name] = "\(try mode(path)) \(read(path)?.base64EncodedString() ?? "-")"
    }
    return files
  }

  func lines(_ path: String) -> [String] {
    String(decoding: read(path) ?? Data(), as: UTF8.self).split(separator: "\n").map(String.init)
  }

  @Test func installPutsBothScriptsInAFreshRepository() throws {
    let sandbox = try Sandbox()
    let output = try install(sandbox)
    let hooks = sandbox.repo + "/.git/hooks"
    for name in Self.names {
      let path = hooks + "/" + name
      let bytes = try #require(read(path), "\(name) not installed")
      #expect(bytes == read(Self.packageHooks + "/" + name))
      #expect(String(decoding: bytes, as: UTF8.self).contains("\n# git-draft hook"))
      #expect(try mode(path) == 0o755)
      #expect(!exists(path + ".pre-draft"))
      #expect(output.contains("Installed \(name) in \(hooks)"), "\(output)")
    }
    #expect(output.split(separator: "\n").count == 2)
  }

  @Test func anExistingPostCommitHookKeepsRunningAndUninstallRestoresIt() throws {
    let sandbox = try Sandbox()
    let hook = sandbox.repo + "/.git/hooks/post-commit"
    let log = sandbox.root + "/user-hook.log"
    let original = Self.userHook(log)
    try write(hook, original)
    try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: hook)

    let output = try install(sandbox)
    #expect(output.contains("post-commit.pre-draft"), "\(output)")
    #expect(read(hook + ".pre-draft") == original)
    #expect(read(hook) == read(Self.packageHooks + "/post-commit"))

    _ = try commit(sandbox, "first")
    #expect(lines(log) == ["ran 0 "], "the user's hook ran once, after ours")

    let removed = try draft(sandbox, "hooks", "uninstall")
    #expect(removed.status == 0, "\(removed.stderr)")
    #expect(
      removed.stdout.contains("Removed post-commit") && removed.stdout.contains("restored"),
      "\(removed.stdout)")
    #expect(read(hook) == original, "restored byte for byte")
    #expect(try mode(hook) == 0o750)
    #expect(!exists(hook + ".pre-draft"))
    #expect(!exists(sandbox.repo + "/.git/hooks/pre-push"))

    _ = try commit(sandbox, "second")
    #expect(lines(log).count == 2)

    // Again: nothing of ours is left, the user's hook stays.
    let before = try snapshot(sandbox.repo + "/.git/hooks")
    let again = try draft(sandbox, "hooks", "uninstall")
    #expect(again.status == 0 && again.stderr == "")
    #expect(again.stdout.contains("Left post-commit"), "\(again.stdout)")
    #expect(try snapshot(sandbox.repo + "/.git/hooks") == before)
  }

  @Test func aRelativeCoreHooksPathIsRespected() throws {
    let sandbox = try Sandbox()
    try sandbox.git("config", "core.hooksPath", "team-hooks")
    let hooks = sandbox.repo + "/team-hooks"
    try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
    let log = sandbox.root + "/team.log"
    try write(hooks + "/post-commit", Self.userHook(log))
    let subdirectory = sandbox.repo + "/src/deep"
    try FileManager.default.createDirectory(atPath: subdirectory, withIntermediateDirectories: true)

    // Relative to the top of the working tree, wherever the command runs.
    let result = try draft(sandbox, "hooks", "install", in: subdirectory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("in \(hooks)"), "\(result.stdout)")
    for name in Self.names {
      #expect(read(hooks + "/" + name) == read(Self.packageHooks + "/" + name))
      #expect(!exists(sandbox.repo + "/.git/hooks/" + name))
    }
    #expect(read(hooks + "/post-commit.pre-draft") == Self.userHook(log))
    _ = try commit(sandbox, "with team hooks", in: subdirectory)
    #expect(lines(log).count == 1)
  }

  @Test func aMissingHooksDirectoryIsCreated() throws {
    let sandbox = try Sandbox()
    try sandbox.git("config", "core.hooksPath", "~/my hooks/git")
    // The sandbox's HOME is the repository.
    _ = try install(sandbox)
    #expect(exists(sandbox.repo + "/my hooks/git/post-commit"))
  }

  @Test func worktreesShareTheCommonDirectorysHooks() throws {
    let sandbox = try Sandbox()
    _ = try commit(sandbox, "base")
    let worktree = sandbox.root + "/wt"
    try sandbox.git("worktree", "add", "-q", "-b", "side", worktree)
    let result = try draft(sandbox, "hooks", "install", in: worktree)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(exists(sandbox.repo + "/.git/hooks/post-commit"))
    #expect(!exists(sandbox.repo + "/.git/worktrees/wt/hooks"))
  }

  @Test func installingAgainReplacesOursAndNeverChainsToItself() throws {
    let sandbox = try Sandbox()
    let hooks = sandbox.repo + "/.git/hooks"
    let log = sandbox.root + "/user-hook.log"
    try write(hooks + "/post-commit", Self.userHook(log))
    _ = try install(sandbox)
    let first = try snapshot(hooks)
    let output = try install(sandbox)
    #expect(output.contains("Updated post-commit"), "\(output)")
    #expect(try snapshot(hooks) == first, "a second install changes nothing")
    #expect(read(hooks + "/post-commit.pre-draft") == Self.userHook(log))
    #expect(!exists(hooks + "/pre-push.pre-draft"))
    _ = try commit(sandbox, "once")
    #expect(lines(log).count == 1)
  }

  @Test func aConflictIsRefusedAndChangesNothing() throws {
    let sandbox = try Sandbox()
    let hooks = sandbox.repo + "/.git/hooks"
    try write(hooks + "/post-commit", Self.userHook(sandbox.root + "/a.log"))
    try write(hooks + "/post-commit.pre-draft", Self.userHook(sandbox.root + "/b.log"))
    let before = try snapshot(hooks)
    let result = try draft(sandbox, "hooks", "install")
    expectError(result, 128, mentioning: ["post-commit.pre-draft"])
    #expect(try snapshot(hooks) == before, "nothing changed, pre-push included")
  }

  @Test func missingScriptsNameTheVariable() throws {
    let sandbox = try Sandbox()
    let empty = sandbox.root + "/empty"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let result = try draft(sandbox, "hooks", "install", extra: ["GIT_DRAFT_HOOKS_DIR": empty])
    expectError(result, 128, mentioning: ["GIT_DRAFT_HOOKS_DIR"])
    #expect(!exists(sandbox.repo + "/.git/hooks/post-commit"))
  }

  @Test func withoutGitDraftOnPathTheUsersHookStillRuns() throws {
    let sandbox = try Sandbox()
    let log = sandbox.root + "/user-hook.log"
    try write(sandbox.repo + "/.git/hooks/post-commit", Self.userHook(log))
    _ = try install(sandbox)
    let result = try commit(sandbox, "no git-draft here", extra: ["PATH": "/usr/bin:/bin"])
    #expect(result.stderr == "", "skipped silently: \(result.stderr)")
    #expect(lines(log).count == 1)
  }

  /// A repository with one commit on main, `origin` an empty bare repository, and a ticket.
  func pushable() throws -> (sandbox: Sandbox, remote: String, ticket: String) {
    let sandbox = try Sandbox()
    let remote = try sandbox.bareRemote()
    try sandbox.git("remote", "add", "origin", remote)
    _ = try commit(sandbox, "base")
    let created = try sandbox.draft("new", "--json", "Travels with pushes")
    let object = try JSONSerialization.jsonObject(with: created.stdoutBytes) as? [String: Any]
    return (sandbox, remote, try #require(object?["id"] as? String))
  }

  func remoteRefs(_ remote: String) throws -> [String] {
    try Clone(path: remote).refs().keys.sorted()
  }

  @Test func prePushCarriesTheBoardWhenAskedTo() throws {
    let (sandbox, remote, ticket) = try pushable()
    let log = sandbox.root + "/pre-push.log"
    // The user's hook sees git's arguments and the ref lines.
    try write(
      sandbox.repo + "/.git/hooks/pre-push",
      Data("#!/bin/sh\necho \"args $*\" >> '\(log)'\ncat >> '\(log)'\n".utf8))
    _ = try install(sandbox)

    var pushed = try git(sandbox, "push", "-q", "origin", "main")
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(try remoteRefs(remote) == ["refs/heads/main"], "not asked to: no board")
    let seen = lines(log)
    #expect(seen.first == "args origin \(remote)")
    #expect(seen.count == 2 && seen[1].hasPrefix("refs/heads/main ") && seen[1].contains(" refs/heads/main "))

    try sandbox.git("config", "draft.pushBoard", "yes")
    _ = try commit(sandbox, "more")
    pushed = try git(sandbox, "push", "origin", "main")
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(
      (pushed.stdout + pushed.stderr).contains("git draft: origin: "), "\(pushed.stdout)\(pushed.stderr)")
    #expect(try remoteRefs(remote).contains("refs/draft/tickets/\(ticket)"))
    #expect(lines(log).count == 4, "the user's hook ran for the user's push only")
  }

  @Test func aFailingUserPrePushHookStillBlocksThePush() throws {
    let (sandbox, remote, _) = try pushable()
    let log = sandbox.root + "/pre-push.log"
    try write(sandbox.repo + "/.git/hooks/pre-push", Self.userHook(log, exit: 1))
    try sandbox.git("config", "draft.pushBoard", "true")
    _ = try install(sandbox)
    let pushed = try git(sandbox, "push", "-q", "origin", "main")
    #expect(pushed.status != 0)
    #expect(lines(log).count == 1)
    #expect(try remoteRefs(remote).isEmpty, "neither the branch nor the board went out")
  }

  @Test func aBoardPushThatFailsOnlyWarns() throws {
    let (sandbox, remote, _) = try pushable()
    try sandbox.git("config", "draft.pushBoard", "true")
    _ = try install(sandbox)
    // The remote takes branches but refuses the board.
    let hook = remote + "/hooks/pre-receive"
    try write(
      hook,
      Data("#!/bin/sh\nwhile read old new ref; do case $ref in refs/draft/*) exit 1;; esac; done\n".utf8))
    let pushed = try git(sandbox, "push", "-q", "origin", "main")
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(pushed.stderr.contains("warning: git draft: board not pushed:"), "\(pushed.stderr)")
    #expect(try remoteRefs(remote) == ["refs/heads/main"])
  }

  @Test func postCommitOnADraftBranchDoesNothingUnderGitDraftRun() throws {
    let sandbox = try Sandbox()
    let short = try sandbox.newTicket("Hooked work")
    _ = try commit(sandbox, "base")
    _ = try install(sandbox)
    // An invalid timeout makes the hook's visit to the ticket show as a warning.
    try sandbox.git("config", "draft.hookTimeout", "soon")
    try sandbox.git("checkout", "-q", "-b", "draft/\(short)-hooked-work")

    let underRun = try commit(sandbox, "by git draft run", extra: ["GIT_DRAFT_RUN": "1"])
    #expect(underRun.stderr == "", "\(underRun.stderr)")
    #expect(underRun.stdout == "", "\(underRun.stdout)")
    #expect(try sandbox.gitResult("rev-parse", "-q", "--verify", "refs/notes/draft").status != 0)

    let byHand = try commit(sandbox, "by hand")
    #expect(byHand.stderr.contains("draft.hookTimeout"), "the hook found the ticket: \(byHand.stderr)")

    try sandbox.git("checkout", "-q", "-b", "draft/0000000-no-such-ticket")
    let unknown = try commit(sandbox, "no ticket")
    #expect(unknown.stderr == "", "\(unknown.stderr)")
    try sandbox.git("checkout", "-q", "main")
    let elsewhere = try commit(sandbox, "not a draft branch")
    #expect(elsewhere.stderr == "", "\(elsewhere.stderr)")
  }

  @Test func postCommitInALinkedWorktreeFindsItsTicket() throws {
    let sandbox = try Sandbox()
    let short = try sandbox.newTicket("Worktree work")
    _ = try commit(sandbox, "base")
    _ = try install(sandbox)
    try sandbox.git("config", "draft.hookTimeout", "soon")
    let worktree = sandbox.root + "/wt"
    try sandbox.git("worktree", "add", "-q", "-b", "draft/\(short)-worktree-work", worktree)
    let result = try commit(sandbox, "in the worktree", in: worktree)
    #expect(result.stderr.contains("draft.hookTimeout"), "\(result.stderr)")
  }

  @Test func unknownHooksDoNothing() throws {
    let sandbox = try Sandbox()
    let result = try draft(sandbox, "hook", "post-frobnicate", "a", "--b")
    #expect(result.status == 0 && result.stdout == "" && result.stderr == "")
    let help = try sandbox.draft("-h")
    #expect(help.stdout.contains("hooks"))
    #expect(!help.stdout.contains("  hook "), "the scripts' entry point stays out of the list")
  }
}
