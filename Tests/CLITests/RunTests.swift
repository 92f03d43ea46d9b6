import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The stand-in agents: scripts named like the real CLIs that take their flags and print their
/// structured output (Tests/Fixtures/agents).
let standInAgents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Fixtures/agents").path

/// A sandbox whose repository has a first commit, the stand-ins first on PATH, and worktrees
/// outside the repository.
final class RunSandbox: Sendable {
  let sandbox: Sandbox
  let log: String

  init() throws {
    sandbox = try Sandbox()
    log = sandbox.root + "/agent-log"
    try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
    try "hello\n".write(toFile: sandbox.repo + "/README", atomically: true, encoding: .utf8)
    try sandbox.git("add", "README")
    try sandbox.git("commit", "-q", "-m", "first")
    try sandbox.git("config", "draft.retryDelay", "0")
  }

  var environment: [String: String] {
    [
      "PATH": standInAgents + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
      "XDG_DATA_HOME": sandbox.root + "/data", "STANDIN_LOG": log,
    ]
  }

  func run(_ arguments: [String], _ extra: [String: String] = [:]) throws -> ProcessResult {
    try sandbox.draft(
      arguments: ["run"] + arguments, environment: environment.merging(extra) { $1 })
  }

  /// A planned ticket's full id.
  func ticket(_ title: String = "Add a greeting", body: String = "Say hello.") throws -> String {
    try sandbox.show(try sandbox.newTicket(title, "-m", body, "--state", "planned")).id
  }

  /// `show --json`'s revisions.
  func revisions(_ id: String) throws -> [[String: Any]] {
    try sandbox.showJSON(id)["revisions"] as? [[String: Any]] ?? []
  }

  func state(_ id: String) throws -> String { try sandbox.show(id).state }

  /// HEAD, the index and the status of the main working tree: a run must not change them.
  func mainTree() throws -> String {
    try sandbox.git("rev-parse", "HEAD") + sandbox.git("ls-files", "--stage")
      + sandbox.git("status", "--porcelain")
  }
}

@Suite("git draft run") struct RunTests {
  @Test func claudeRunCommitsVerifiesAndRecordsTheRevision() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    try s.sandbox.git("config", "--add", "draft.verify", "test -f agent-output.txt")
    let before = try s.mainTree()
    let result = try s.run([id, "--executor", "claude"])
    #expect(result.status == 0, "run failed: \(result.stderr)\(result.stdout)")
    #expect(try s.mainTree() == before)
    #expect(try s.state(id) == "needs_human")
    #expect(try s.sandbox.show(id).history?.contains { $0.action == "claimed" } == true)

    let revision = try #require(try s.revisions(id).first)
    #expect(revision["number"] as? Int == 1)
    #expect(revision["outcome"] as? String == "passed")
    #expect(revision["executor"] as? String == "claude")
    #expect((revision["session_id"] as? String)?.isEmpty == false)
    #expect((revision["input_tokens"] as? Int ?? 0) > 0)
    #expect((revision["output_tokens"] as? Int ?? 0) > 0)
    #expect((revision["cost_usd"] as? Double ?? 0) > 0)
    #expect(revision["files_changed"] as? Int == 1)
    let branch = try #require(revision["branch"] as? String)
    #expect(branch.hasPrefix("draft/\(id.prefix(8))-add-a-greeting"))
    let worktree = try #require(revision["worktree"] as? String)
    #expect(!worktree.hasPrefix(s.sandbox.repo + "/"))
    #expect(FileManager.default.fileExists(atPath: worktree + "/agent-output.txt"))

    // The commit on the ticket's branch, with its trailers; the code pinned under refs/draft/.
    let head = try #require(revision["head"] as? String)
    #expect(try s.sandbox.git("rev-parse", branch).hasPrefix(head))
    let message = try s.sandbox.git("log", "-1", "--format=%B", head)
    #expect(message.contains("Draft-Ticket: \(id)"))
    #expect(message.contains("Draft-Revision: 1"))
    #expect(try s.sandbox.git("for-each-ref", "refs/draft/revisions/").contains(head))

    // The prompt reached the agent on standard input, with the ticket and the verify command.
    let prompt = try String(contentsOfFile: s.log + "/prompt", encoding: .utf8)
    #expect(prompt.contains("Add a greeting") && prompt.contains("Say hello."))
    #expect(prompt.contains("test -f agent-output.txt"))

    // Evidence: a note on the head commit, shown by git log --notes=draft and by evidence.
    let notes = try s.sandbox.git("log", "-1", "--notes=draft", "--format=%N", head)
    #expect(notes.contains("\"kind\":\"verify\"") && notes.contains("\"kind\":\"executor\""))
    let evidence = try s.sandbox.draft("evidence", id)
    #expect(evidence.status == 0)
    #expect(evidence.stdoutLines.contains { $0.contains("\"command\":\"test -f agent-output.txt\"") })
    #expect(try s.sandbox.draft("show", id).stdout.contains("#1 passed"))
  }

  @Test(arguments: ["codex", "gemini"])
  func otherStructuredExecutorsRecordTokens(executor: String) throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    let result = try s.run([id, "--executor", executor, "--json"])
    #expect(result.status == 0, "\(executor) run failed: \(result.stderr)")
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["executor"] as? String == executor)
    #expect((revision["input_tokens"] as? Int ?? 0) > 0)
    #expect((revision["session_id"] as? String)?.isEmpty == false)
    // --json: every line is a JSON object; the last is the revision.
    let lines = result.stdoutLines
    #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] })
    #expect(lines.last?.contains("\"type\":\"revision\"") == true)
  }

  @Test func failingVerificationBlocksTheTicketNamingTheCommand() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    try s.sandbox.git("config", "--add", "draft.verify", "true")
    try s.sandbox.git("config", "--add", "draft.verify", "echo broken; exit 3")
    try s.sandbox.git("config", "--add", "draft.verify", "touch should-not-run")
    let result = try s.run([id, "--executor", "claude"])
    #expect(result.status == 1)
    #expect(try s.state(id) == "blocked")
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["outcome"] as? String == "verify_failed")
    #expect((revision["reason"] as? String)?.contains("echo broken; exit 3") == true)
    let worktree = try #require(revision["worktree"] as? String)
    #expect(!FileManager.default.fileExists(atPath: worktree + "/should-not-run"))
    let evidence = try s.sandbox.draft("evidence", id).stdout
    #expect(evidence.contains("\"exit_code\":3") && evidence.contains("broken"))
  }

  @Test func failingAgentBlocksWithItsExitStatus() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    let result = try s.run([id, "--executor", "claude"], ["STANDIN_MODE": "fail"])
    #expect(result.status == 1)
    #expect(try s.state(id) == "blocked")
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["outcome"] as? String == "agent_failed")
    #expect(revision["exit_code"] as? Int == 1)
    #expect((revision["reason"] as? String)?.hasPrefix("exit 1") == true)
  }

  @Test func agentWithoutChangesBlocksWithItsFinalMessage() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    let result = try s.run([id, "--executor", "claude"], ["STANDIN_MODE": "nochange"])
    #expect(result.status == 1)
    #expect(try s.state(id) == "blocked")
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["outcome"] as? String == "no_changes")
    #expect(revision["head"] is NSNull)
    let evidence = try s.sandbox.draft("evidence", id).stdout
    #expect(evidence.contains("\"kind\":\"message\"") && evidence.contains("Nothing to do"))
  }

  @Test func timeoutStopsTheAgentAndKeepsTheWorktree() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    let started = Date()
    let result = try s.run(
      [id, "--executor", "claude", "--timeout", "2s"], ["STANDIN_MODE": "sleep", "STANDIN_SLEEP": "60"])
    #expect(result.status == 1)
    #expect(Date().timeIntervalSince(started) < 30)
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["outcome"] as? String == "timed_out")
    #expect(try s.state(id) == "blocked")
    let worktree = try #require(revision["worktree"] as? String)
    #expect(FileManager.default.fileExists(atPath: worktree))
  }

  @Test func cancelStopsARunningAgent() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    nonisolated(unsafe) var result: ProcessResult?
    let runner = Thread {
      result = try? s.run([id, "--executor", "claude"], ["STANDIN_MODE": "sleep", "STANDIN_SLEEP": "60"])
    }
    runner.start()
    // Wait for the agent to start (it writes its prompt), then cancel.
    let deadline = Date().addingTimeInterval(30)
    while !FileManager.default.fileExists(atPath: s.log + "/prompt") && Date() < deadline { usleep(50_000) }
    // A second run of the same ticket in this clone is refused while the first works.
    let second = try s.run([id, "--executor", "claude"])
    #expect(second.status == 128 && second.stderr.contains("being run in this clone already"))
    var cancel = try s.sandbox.draft("cancel", id)
    while cancel.status != 0 && Date() < deadline {
      usleep(100_000)
      cancel = try s.sandbox.draft("cancel", id)
    }
    #expect(cancel.status == 0, "cancel failed: \(cancel.stderr)")
    while !runner.isFinished && Date() < deadline.addingTimeInterval(30) { usleep(50_000) }
    #expect(result?.status == 1)
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["outcome"] as? String == "cancelled")
    // Nothing is running any more: a second cancel says so.
    #expect(try s.sandbox.draft("cancel", id).status == 128)
  }

  /// Runs of different tickets started at the same moment in one clone each get their worktree
  /// (`git worktree prune` in one run once deleted the entry another was adding).
  @Test func runsStartedTogetherEachGetTheirWorktree() throws {
    let s = try RunSandbox()
    let ids = try (1...8).map { try s.ticket("Ticket \($0)") }
    let results = Mutex([String: ProcessResult]())
    let threads = ids.map { id in
      Thread {
        let result = try? s.run([id, "--executor", "claude"])
        results.withLock { $0[id] = result }
      }
    }
    for thread in threads { thread.start() }
    while threads.contains(where: { !$0.isFinished }) { usleep(20_000) }
    for id in ids {
      let result = results.withLock { $0[id] }
      #expect(result?.status == 0, "\(result?.stderr ?? "did not start")")
      #expect(try s.revisions(id).first?["outcome"] as? String == "passed")
    }
    #expect(try s.sandbox.git("worktree", "list").split(separator: "\n").count == ids.count + 1)
  }

  @Test func transientFailureIsRetriedAndEachAttemptRecorded() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    let result = try s.run(
      [id, "--executor", "claude"],
      ["STANDIN_MODE": "ratelimit", "STANDIN_STATE": s.sandbox.root + "/limited"])
    #expect(result.status == 0, "run failed: \(result.stderr)\(result.stdout)")
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["attempts"] as? Int == 2)
    #expect(revision["outcome"] as? String == "passed")
    let evidence = try s.sandbox.draft("evidence", id).stdout
    #expect(evidence.split(separator: "\n").filter { $0.contains("\"kind\":\"executor\"") }.count == 2)
  }

  @Test func rerunReusesTheWorktreeAndResumesTheSession() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    #expect(try s.run([id, "--executor", "claude"], ["STANDIN_MODE": "fail"]).status == 1)
    let first = try #require(try s.revisions(id).first)
    let session = try #require(first["session_id"] as? String)
    try? FileManager.default.removeItem(atPath: s.log + "/argv")
    let again = try s.run([id, "--executor", "claude"])
    #expect(again.status == 0, "re-run failed: \(again.stderr)")
    let revisions = try s.revisions(id)
    #expect(revisions.count == 2)
    #expect(revisions[1]["worktree"] as? String == first["worktree"] as? String)
    let argv = try String(contentsOfFile: s.log + "/argv", encoding: .utf8).split(separator: "\n")
    #expect(argv.contains("--resume") && argv.contains(Substring(session)))
    let prompt = try String(contentsOfFile: s.log + "/prompt", encoding: .utf8)
    #expect(prompt.contains("Revision 1 ended as agent_failed"))
  }

  @Test func commandExecutorFromConfigGetsThePromptOnStandardInput() throws {
    let s = try RunSandbox()
    let id = try s.ticket("Hostile $(touch pwned) `touch pwned2`", body: "; touch pwned3")
    try s.sandbox.git("config", "draft.executor", "mine")
    try s.sandbox.git("config", "draft.executor.mine.command", standInAgents + "/plain-agent")
    let result = try s.run([id])
    #expect(result.status == 0, "run failed: \(result.stderr)")
    let prompt = try String(contentsOfFile: s.log + "/prompt", encoding: .utf8)
    #expect(prompt.contains("Hostile $(touch pwned)"))
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["executor"] as? String == "mine")
    // Ticket text never reached a shell.
    let names = Set(s.sandbox.allPaths().map { ($0 as NSString).lastPathComponent })
    #expect(names.isDisjoint(with: ["pwned", "pwned2", "pwned3"]))
  }

  @Test func refusedRunChangesNothing() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    let proposed = try s.sandbox.newTicket("Not yet", "--state", "proposed")
    let refs = try s.sandbox.refSnapshot()
    let unknown = try s.run([id, "--executor", "no-such-agent"])
    #expect(unknown.status == 128)
    #expect(unknown.stderrLines.count == 1 && unknown.stderr.contains("no-such-agent"))
    let refused = try s.run([proposed, "--executor", "claude"])
    #expect(refused.status == 128 && refused.stderrLines.count == 1)
    #expect(try s.sandbox.refSnapshot() == refs)
    #expect(try s.state(id) == "planned")
    #expect(try s.revisions(id).isEmpty)
    #expect(try s.sandbox.git("branch", "--list", "draft/*").isEmpty)
  }

  @Test func teamVerifyCommandsComeFromTheTargetBranch() throws {
    let s = try RunSandbox()
    try "[draft]\n\tverify = test -f agent-output.txt\n".write(
      toFile: s.sandbox.repo + "/.gitdraft", atomically: true, encoding: .utf8)
    try s.sandbox.git("add", ".gitdraft")
    try s.sandbox.git("commit", "-q", "-m", "team settings")
    let id = try s.ticket()
    #expect(try s.run([id, "--executor", "claude"]).status == 0)
    let evidence = try s.sandbox.draft("evidence", id).stdout
    #expect(evidence.contains("\"command\":\"test -f agent-output.txt\""))
    // verify by hand records another result for the worktree's HEAD.
    let verify = try s.sandbox.draft(arguments: ["verify", id], environment: s.environment)
    #expect(verify.status == 0, "verify failed: \(verify.stderr)")
    #expect(verify.stdout.contains("1 verify command passed"))
  }

  @Test func revisionsAndEvidenceTravelWithSync() throws {
    let s = try RunSandbox()
    let remote = s.sandbox.root + "/remote.git"
    _ = try runProcess(gitBinary, ["init", "-q", "--bare", remote], in: s.sandbox.root)
    try s.sandbox.git("remote", "add", "origin", remote)
    let id = try s.ticket()
    #expect(try s.run([id, "--executor", "claude", "--offline"]).status == 0)
    #expect(try s.sandbox.draft("sync").status == 0)
    let clone = s.sandbox.root + "/clone"
    _ = try runProcess(gitBinary, ["clone", "-q", remote, clone], in: s.sandbox.root)
    for setting in [["user.name", "Other"], ["user.email", "other@example.com"]] {
      _ = try runProcess(gitBinary, ["config"] + setting, in: clone)
    }
    #expect(try runProcess(gitDraftBinary, ["sync"], in: clone).status == 0)
    let head = try #require(try s.revisions(id).first?["head"] as? String)
    #expect(try runProcess(gitBinary, ["cat-file", "-t", head], in: clone).stdout == "commit\n")
    let evidence = try runProcess(gitDraftBinary, ["evidence", id], in: clone)
    #expect(evidence.status == 0 && evidence.stdout.contains("\"kind\":\"executor\""))
  }

  @Test func skippingPermissionsNeedsThisRepositorysOwnConfig() throws {
    let s = try RunSandbox()
    // In the user's global config (HOME is the sandbox's repository): not enough.
    _ = try runProcess(
      gitBinary, ["config", "--global", "draft.skipPermissions", "true"], in: s.sandbox.repo)
    let first = try s.ticket("First")
    #expect(try s.run([first, "--executor", "claude"]).status == 0)
    var argv = try String(contentsOfFile: s.log + "/argv", encoding: .utf8).split(separator: "\n")
    #expect(argv.contains("acceptEdits") && !argv.contains("--dangerously-skip-permissions"))
    // In the repository's own config: allowed.
    try s.sandbox.git("config", "--local", "draft.skipPermissions", "true")
    try? FileManager.default.removeItem(atPath: s.log + "/argv")
    let second = try s.ticket("Second")
    #expect(try s.run([second, "--executor", "claude"]).status == 0)
    argv = try String(contentsOfFile: s.log + "/argv", encoding: .utf8).split(separator: "\n")
    #expect(argv.contains("--dangerously-skip-permissions"))
  }

  @Test func nextRunsTheReadyTicketAfterItsBlockerIsDone() throws {
    let s = try RunSandbox()
    let first = try s.ticket("First step")
    let second = try s.ticket("Second step")
    try s.sandbox.ok("link", second, "--blocked-by", first)
    #expect(try s.run(["--next", "--executor", "claude"]).status == 0)
    #expect(try s.state(first) == "needs_human")
    #expect(try s.sandbox.show(first).history?.filter { $0.action == "claimed" }.count == 1)
    #expect(try s.state(second) == "planned")
    // Nothing else is ready until the blocker is done.
    #expect(try s.run(["--next", "--executor", "claude"]).status == 128)
    try s.sandbox.ok("move", first, "done")
    #expect(try s.run(["--next", "--executor", "claude"]).status == 0)
    let prompt = try String(contentsOfFile: s.log + "/prompt", encoding: .utf8)
    #expect(prompt.contains("Second step") && prompt.contains("First step (ticket"))
  }

  @Test func commitByHandInTheWorktreeIsVerifiedByTheHook() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    try s.sandbox.git("config", "--add", "draft.verify", "test -f by-hand.txt")
    #expect(try s.run([id, "--executor", "claude"]).status == 1)  // by-hand.txt is missing
    let hooks = URL(fileURLWithPath: standInAgents).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("hooks").path
    let binDirectory = (gitDraftBinary as NSString).deletingLastPathComponent
    var environment = s.environment
    environment["GIT_DRAFT_HOOKS_DIR"] = hooks
    environment["PATH"] = binDirectory + ":" + environment["PATH"]!
    #expect(try s.sandbox.draft(arguments: ["hooks", "install"], environment: environment).status == 0)
    let worktree = try #require(try s.revisions(id).first?["worktree"] as? String)
    try "done by a person\n".write(toFile: worktree + "/by-hand.txt", atomically: true, encoding: .utf8)
    _ = try runProcess(gitBinary, ["add", "by-hand.txt"], in: worktree, environment: environment)
    let commit = try runProcess(
      gitBinary,
      ["-c", "user.name=P", "-c", "user.email=p@example.com", "commit", "-q", "-m", "finish by hand"],
      in: worktree, environment: environment)
    #expect(commit.status == 0, "commit failed: \(commit.stderr)")
    let head = try runProcess(gitBinary, ["rev-parse", "HEAD"], in: worktree).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let note = try s.sandbox.git("notes", "--ref=draft", "show", head)
    #expect(note.contains("\"command\":\"test -f by-hand.txt\"") && note.contains("\"exit_code\":0"))
  }

  @Test func configuredFilesAreCopiedIntoTheWorktreeAndBranchNamesStaySafe() throws {
    let s = try RunSandbox()
    try "SECRET=1\n".write(toFile: s.sandbox.repo + "/.env", atomically: true, encoding: .utf8)
    try s.sandbox.git("config", "--add", "draft.copyFiles", ".env")
    try s.sandbox.git("config", "--add", "draft.copyFiles", "../outside")
    let id = try s.ticket("Ünïcode; rm -rf / && --force ../../x")
    let result = try s.run([id, "--executor", "claude"])
    #expect(result.status == 128 && result.stderr.contains("../outside"))
    #expect(try s.sandbox.git("branch", "--list", "draft/*").isEmpty)
    try s.sandbox.git("config", "--unset", "draft.copyFiles", "\\.\\./outside")
    #expect(try s.run([id, "--executor", "claude"]).status == 0)
    let revision = try #require(try s.revisions(id).first)
    let branch = try #require(revision["branch"] as? String)
    #expect(branch == "draft/\(id.prefix(8))-n-code-rm-rf-force-x")
    let worktree = try #require(revision["worktree"] as? String)
    #expect(try String(contentsOfFile: worktree + "/.env", encoding: .utf8) == "SECRET=1\n")
    // The copied file is not committed with the agent's work.
    let head = try #require(revision["head"] as? String)
    let files = try s.sandbox.git("ls-tree", "-r", "--name-only", head)
    #expect(files.contains("agent-output.txt") && !files.contains(".env"))
  }

  /// A file listed in draft.copyFiles that git tracks is never copied, so the agent's edits to
  /// it are work like any other: committed, and keeping the worktree until they are.
  @Test func trackedFileNamedInCopyFilesIsCommittedAndKept() throws {
    let s = try RunSandbox()
    try s.sandbox.git("config", "--add", "draft.copyFiles", "README")
    let id = try s.ticket()
    #expect(try s.run([id, "--executor", "claude"], ["STANDIN_FILE": "README"]).status == 0)
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["outcome"] as? String == "passed")
    let head = try #require(revision["head"] as? String)
    #expect(try s.sandbox.git("show", "\(head):README") == "hello\nagent was here\n")
    // Uncommitted edits to it keep the worktree when the ticket is merged.
    let worktree = try #require(revision["worktree"] as? String)
    try "hello\nby hand\n".write(toFile: worktree + "/README", atomically: true, encoding: .utf8)
    try s.sandbox.ok("approve", id)
    let merge = try s.sandbox.draft(arguments: ["merge", id], environment: s.environment)
    #expect(merge.status == 0, "\(merge.stderr)")
    #expect(merge.stdout.contains("has uncommitted changes"), "\(merge.stdout)")
    #expect(try String(contentsOfFile: worktree + "/README", encoding: .utf8) == "hello\nby hand\n")
  }
}
