import Foundation
import Testing

/// A run sandbox with tickets made ready to merge by the claude stand-in.
private struct MergeSandbox {
  let run: RunSandbox
  var sandbox: Sandbox { run.sandbox }

  init() throws { run = try RunSandbox() }

  /// A ticket whose run by the stand-in passed (it needs a human now); `extra` reaches the agent.
  func readyTicket(
    _ title: String = "Add a greeting", target: String? = nil, _ extra: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    let id = try run.ticket(title)
    try runAgain(id, target: target, extra, sourceLocation: sourceLocation)
    return id
  }

  func runAgain(
    _ id: String, target: String? = nil, _ extra: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let result = try run.run([id, "--executor", "claude"] + (target.map { ["--target", $0] } ?? []), extra)
    #expect(
      result.status == 0, "run failed: \(result.stderr)\(result.stdout)", sourceLocation: sourceLocation)
  }

  func approve(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try sandbox.ok("approve", id, sourceLocation: sourceLocation)
  }

  func merge(_ arguments: String...) throws -> ProcessResult {
    try sandbox.draft(arguments: ["merge"] + arguments, environment: run.environment)
  }

  /// The latest revision's field `key` from `show --json`.
  func revision(_ id: String, _ key: String) throws -> String {
    return try #require(try run.revisions(id).last?[key] as? String)
  }

  /// Commits `text` as the whole of `file` on the checked-out branch of the main worktree.
  func commitOnTarget(_ file: String, _ text: String) throws {
    try text.write(toFile: sandbox.repo + "/" + file, atomically: true, encoding: .utf8)
    try sandbox.git("add", file)
    try sandbox.git("commit", "-q", "-m", "Change \(file) on the target")
  }

  func rev(_ name: String) throws -> String { try sandbox.gitOut(["rev-parse", name]) }

  func branchExists(_ branch: String) throws -> Bool {
    try sandbox.gitResult("rev-parse", "--verify", "--quiet", "refs/heads/" + branch).status == 0
  }

  func file(_ path: String) throws -> String {
    try String(contentsOfFile: sandbox.repo + "/" + path, encoding: .utf8)
  }

  /// What a refused merge must leave alone: the branches, the main worktree and its index.
  func snapshot() throws -> String {
    try sandbox.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/")
      + sandbox.git("status", "--porcelain") + sandbox.git("ls-files", "--stage") + file("README")
  }
}

@Suite("git draft merge") struct MergeTests {
  @Test(arguments: ["merge", "squash", "ff"])
  func approvedRevisionMergesAndClosesTheTicket(strategy: String) throws {
    let s = try MergeSandbox()
    let id = try s.readyTicket()
    let head = try s.revision(id, "head")
    let branch = try s.revision(id, "branch")
    let worktree = try s.revision(id, "worktree")
    // Merge and squash merge into a target that moved meanwhile; ff needs it where it was.
    if strategy != "ff" { try s.commitOnTarget("NOTES", "meanwhile\n") }
    let before = try s.rev("main")
    try s.approve(id)

    let result = try s.merge(id, "--strategy", strategy)
    #expect(result.status == 0, "merge failed: \(result.stderr)")
    #expect(
      result.stdout.contains("Merged revision 1 of") && result.stdout.contains("into main (\(strategy))"))
    let tip = try s.rev("main")
    let parents = try s.sandbox.gitOut(["rev-list", "--parents", "-1", "main"]).split(separator: " ")
      .dropFirst()
    let message = try s.sandbox.git("log", "-1", "--format=%B", "main")
    #expect(message.contains("Draft-Ticket: \(id)"))
    switch strategy {
    case "merge":
      #expect(parents == [Substring(before), Substring(head)])
      #expect(message.hasPrefix("Merge ticket \(id.prefix(7))"))
      #expect(message.contains(": Add a greeting\n") && message.contains("Draft-Revision: 1"))
    case "squash":
      #expect(parents == [Substring(before)])
      #expect(message.hasPrefix("Add a greeting\n\n") && message.contains("Draft-Revision: 1"))
      #expect(try s.sandbox.gitOut(["diff", "--name-only", before, tip]) == "agent-output.txt")
    default:
      #expect(tip == head)
    }
    // The main worktree has main checked out: its files moved with it, and nothing is left over.
    #expect(try s.file("agent-output.txt") == "agent was here\n")
    #expect(try s.sandbox.git("status", "--porcelain") == "")
    #expect(try s.run.state(id) == "done")
    #expect(!FileManager.default.fileExists(atPath: worktree))
    #expect(try !s.branchExists(branch))
    // The revision stays reachable through its pin.
    #expect(try s.sandbox.git("for-each-ref", "refs/draft/revisions/").contains(head))
    #expect(try s.sandbox.draft("evidence", id).stdout.contains("\"kind\":\"merge\""))

    expectError(try s.merge(id), 128, mentioning: ["already merged"])
  }

  @Test func rebaseReplaysEachCommitWithItsAuthorAndTheTrailer() throws {
    let s = try MergeSandbox()
    // Revision 1: the agent commits itself, as someone else and without the trailer;
    // revision 2: git draft run commits what the agent left.
    let agent = [
      "STANDIN_MODE": "commit", "GIT_AUTHOR_NAME": "Agent Smith", "GIT_AUTHOR_EMAIL": "agent@example.com",
    ]
    let id = try s.readyTicket("Add a greeting", agent)
    try s.runAgain(id, ["STANDIN_FILE": "second.txt"])
    let head = try s.revision(id, "head")
    try s.commitOnTarget("NOTES", "meanwhile\n")
    let before = try s.rev("main")
    try s.approve(id)

    let result = try s.merge(id, "--strategy", "rebase")
    #expect(result.status == 0, "merge failed: \(result.stderr)")
    let replayed = try s.sandbox.gitOut(["rev-list", "--reverse", "\(before)..main"]).split(separator: "\n")
    try #require(replayed.count == 2)
    #expect(try s.sandbox.gitOut(["rev-list", "--parents", "-1", String(replayed[0])]).hasSuffix(before))
    #expect(!replayed.contains(Substring(head)))
    let first = try s.sandbox.git("log", "-1", "--format=%an <%ae>%n%B", String(replayed[0]))
    #expect(first.hasPrefix("Agent Smith <agent@example.com>\nAppend a line to agent-output.txt\n"))
    #expect(first.contains("Draft-Ticket: \(id)"))
    let second = try s.sandbox.git("log", "-1", "--format=%B", String(replayed[1]))
    #expect(second == (try s.sandbox.git("log", "-1", "--format=%B", head)))
    #expect(second.components(separatedBy: "Draft-Ticket: ").count == 2)
    #expect(
      try s.file("agent-output.txt") == "agent was here\n" && s.file("second.txt") == "agent was here\n")
    #expect(try s.file("NOTES") == "meanwhile\n")
    #expect(try s.run.state(id) == "done")
  }

  /// `git commit-tree` ignores `commit.gpgSign`: merge passes it on, as `git merge` would sign.
  @Test(arguments: ["merge", "squash", "rebase"])
  func newCommitsAreSignedWhenCommitGpgSignIsSet(strategy: String) throws {
    let s = try MergeSandbox()
    let id = try s.readyTicket()
    try s.commitOnTarget("NOTES", "meanwhile\n")
    let before = try s.rev("main")
    let head = try s.revision(id, "head")
    try s.approve(id)
    // A real signing key: git signs with ssh-keygen when gpg.format is ssh.
    let key = s.sandbox.root + "/signing-key"
    let made = try runProcess(
      "/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key],
      in: s.sandbox.root)
    try #require(made.status == 0, "ssh-keygen: \(made.stderr)")
    for (name, value) in [("gpg.format", "ssh"), ("user.signingKey", key), ("commit.gpgSign", "true")] {
      try s.sandbox.git("config", name, value)
    }
    let result = try s.merge(id, "--strategy", strategy)
    #expect(result.status == 0, "merge failed: \(result.stderr)")
    // The commits the merge made (not the run's own, made before signing was set up).
    let added = try s.sandbox.gitOut(["rev-list", "main", "^" + before, "^" + head]).split(separator: "\n")
    #expect(!added.isEmpty)
    for commit in added {
      let raw = try s.sandbox.git("cat-file", "commit", String(commit))
      #expect(raw.contains("-----BEGIN SSH SIGNATURE-----"), "\(commit) is not signed")
    }
  }

  @Test func rebaseRefusesARevisionWithAMergeCommit() throws {
    let s = try MergeSandbox()
    let id = try s.readyTicket()
    let worktree = try s.revision(id, "worktree")
    try s.commitOnTarget("NOTES", "meanwhile\n")
    try s.sandbox.git("-C", worktree, "merge", "-q", "--no-ff", "-m", "Merge main", "main")
    try s.runAgain(id, ["STANDIN_FILE": "second.txt"])
    try s.approve(id)
    let before = try s.snapshot()
    expectError(
      try s.merge(id, "--strategy", "rebase"), 128, mentioning: ["merge commit", "--strategy merge"])
    #expect(try s.snapshot() == before)
    #expect(try s.run.state(id) == "needs_human")
  }

  @Test func keepBranchAndTheConfiguredDefaults() throws {
    let s = try MergeSandbox()
    let kept = try s.readyTicket("Keep it")
    try s.approve(kept)
    #expect(try s.merge(kept, "--keep-branch").status == 0)
    let branch = try s.revision(kept, "branch")
    #expect(try s.branchExists(branch))
    #expect(try s.sandbox.gitOut(["rev-list", "--count", "--merges", "-1", "main"]) == "1")

    try s.sandbox.git("config", "draft.mergeStrategy", "fast")
    let id = try s.readyTicket("Squash it", ["STANDIN_FILE": "squashed.txt"])
    let worktree = try s.revision(id, "worktree")
    try s.approve(id)
    expectError(try s.merge(id), 128, mentioning: ["draft.mergeStrategy", "merge, squash, rebase, ff"])
    try s.sandbox.git("config", "draft.mergeStrategy", "squash")
    try s.sandbox.git("config", "draft.deleteBranch", "false")
    let result = try s.merge(id)
    #expect(result.status == 0, "merge failed: \(result.stderr)")
    #expect(result.stdout.contains("(squash)"))
    #expect(try s.sandbox.gitOut(["log", "-1", "--format=%s", "main"]) == "Squash it")
    #expect(try s.branchExists(s.revision(id, "branch")))
    #expect(!FileManager.default.fileExists(atPath: worktree))
  }

  @Test func dirtyTargetIsRefusedAndNothingChanges() throws {
    let s = try MergeSandbox()
    let id = try s.readyTicket()
    try s.approve(id)
    try "hello, edited\n".write(toFile: s.sandbox.repo + "/README", atomically: true, encoding: .utf8)
    let before = try s.snapshot()
    expectError(
      try s.merge(id), 128,
      mentioning: ["main has uncommitted changes in \(s.sandbox.repo)", "commit or stash"])
    #expect(try s.snapshot() == before)
    #expect(try s.run.state(id) == "needs_human")
    #expect(FileManager.default.fileExists(atPath: try s.revision(id, "worktree")))
  }

  @Test func unapprovedRevisionNeedsForce() throws {
    let s = try MergeSandbox()
    let id = try s.readyTicket()
    let before = try s.snapshot()
    expectError(
      try s.merge(id), 128, mentioning: ["revision 1 is not approved", "git draft approve", "--force"])
    #expect(try s.snapshot() == before)
    #expect(try s.run.state(id) == "needs_human")
    let forced = try s.merge(id, "--force")
    #expect(forced.status == 0, "merge --force failed: \(forced.stderr)")
    #expect(try s.run.state(id) == "done")
    #expect(try s.file("agent-output.txt") == "agent was here\n")
  }

  @Test func fastForwardIsRefusedOnceTheTargetMoved() throws {
    let s = try MergeSandbox()
    let id = try s.readyTicket()
    try s.approve(id)
    try s.commitOnTarget("NOTES", "meanwhile\n")
    let before = try s.snapshot()
    expectError(
      try s.merge(id, "--strategy", "ff"), 128,
      mentioning: ["the target moved since the revision was made", "--strategy merge, squash or rebase"])
    #expect(try s.snapshot() == before)
    #expect(try s.run.state(id) == "needs_human")
  }

  @Test(arguments: ["merge", "rebase"])
  func conflictBlocksTheTicketAndChangesNoBranch(strategy: String) throws {
    let s = try MergeSandbox()
    let id = try s.readyTicket("Edit the readme", ["STANDIN_FILE": "README", "STANDIN_TEXT": "agent line"])
    let head = try s.revision(id, "head")
    try s.commitOnTarget("README", "hello\nhuman line\n")
    try s.approve(id)
    let tip = try s.rev("main")
    let before = try s.snapshot()

    let result = try s.merge(id, "--strategy", strategy)
    #expect(result.status == 1)
    #expect(result.stdoutLines.count == 1, "\(result.stdout)")
    #expect(result.stdout.contains("conflicts in 1 path(s): README"))
    #expect(result.stdout.contains("'git draft run \(id.prefix(7))' will ask the agent to merge main"))
    #expect(try s.rev("main") == tip)
    #expect(try s.snapshot() == before)
    #expect(try s.file("README") == "hello\nhuman line\n")
    #expect(try s.run.state(id) == "blocked")
    let moved = try #require(try s.sandbox.show(id).history?.last { $0.action == "moved" })
    #expect(moved.detail == "merge into main conflicts in 1 path(s): README")

    let evidence = try s.sandbox.draft("evidence", id).stdout
    let conflict = try #require(
      evidence.split(separator: "\n").first { $0.contains("\"kind\":\"conflict\"") })
    #expect(conflict.contains("\"paths\":[\"README\"]") && conflict.contains("\"strategy\":\"\(strategy)\""))
    #expect(conflict.contains("\"target\":\"main\"") && conflict.contains("\"target_tip\":\"\(tip)\""))

    let review = try s.sandbox.draft("review", id, "--json")
    let object = try JSONSerialization.jsonObject(with: review.stdoutBytes) as? [String: Any]
    let comments = object?["comments"] as? [[String: Any]] ?? []
    let feedback = try #require(comments.first { $0["kind"] as? String == "conflict" })
    #expect(feedback["body"] as? String == "README\n" && feedback["commit"] as? String == head)

    expectError(try s.merge(id), 128, mentioning: ["blocked by a merge conflict", "git draft run"])
  }

  @Test func targetCheckedOutNowhereMovesOnlyFromTheTipItWasMergedWith() throws {
    let s = try MergeSandbox()
    try s.sandbox.git("branch", "release", "main")
    let id = try s.readyTicket("Fix the release", target: "release")
    try s.approve(id)
    let main = try s.rev("main")
    let status = try s.sandbox.git("status", "--porcelain")

    let result = try s.merge(id)
    #expect(result.status == 0, "merge failed: \(result.stderr)")
    #expect(result.stdout.contains("into release (merge)"))
    #expect(try s.rev("main") == main)
    #expect(try s.sandbox.git("status", "--porcelain") == status)
    #expect(!FileManager.default.fileExists(atPath: s.sandbox.repo + "/agent-output.txt"))
    #expect(try s.sandbox.git("log", "-1", "--format=%B", "release").contains("Draft-Ticket: \(id)"))
    #expect(try s.sandbox.gitOut(["show", "release:agent-output.txt"]) == "agent was here")
    #expect(try s.run.state(id) == "done")
  }

  @Test func worktreeWithUncommittedWorkIsKeptAfterTheMerge() throws {
    let s = try MergeSandbox()
    let id = try s.readyTicket()
    let worktree = try s.revision(id, "worktree")
    let branch = try s.revision(id, "branch")
    try "draft\n".write(toFile: worktree + "/scratch.txt", atomically: true, encoding: .utf8)
    try s.approve(id)
    let result = try s.merge(id)
    #expect(result.status == 0, "merge failed: \(result.stderr)")
    #expect(result.stdout.contains("Kept the worktree: \(worktree) has uncommitted changes"))
    #expect(FileManager.default.fileExists(atPath: worktree + "/scratch.txt"))
    #expect(try s.branchExists(branch))
    #expect(try s.run.state(id) == "done")
  }

  @Test func untrackedFileInTheWayIsReportedAndNothingIsMerged() throws {
    let s = try MergeSandbox()
    let id = try s.readyTicket()
    try s.approve(id)
    try "mine\n".write(toFile: s.sandbox.repo + "/agent-output.txt", atomically: true, encoding: .utf8)
    let before = try s.snapshot()
    expectError(
      try s.merge(id), 128,
      mentioning: [
        "main was not updated in \(s.sandbox.repo)", "untracked working tree files", "agent-output.txt",
      ])
    #expect(try s.snapshot() == before)
    #expect(try s.file("agent-output.txt") == "mine\n")
    #expect(try s.run.state(id) == "needs_human")
  }
}
