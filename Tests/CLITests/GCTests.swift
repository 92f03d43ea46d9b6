import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A ticket that has been run once by the claude stand-in: its id and what its revision names.
private struct RunTicket {
  var id: String
  var branch: String
  var worktree: String
  var head: String
}

extension RunSandbox {
  /// A planned ticket run once (passing, so it waits in needs_human), then moved to `state`.
  fileprivate func runTicket(_ title: String, to state: String? = nil) throws -> RunTicket {
    let id = try ticket(title)
    let result = try run([id, "--executor", "claude"])
    #expect(result.status == 0, "run failed: \(result.stderr)")
    let revision = try #require(try revisions(id).first)
    if let state { try sandbox.ok("move", id, state) }
    return RunTicket(
      id: id, branch: try #require(revision["branch"] as? String),
      worktree: try #require(revision["worktree"] as? String), head: try #require(revision["head"] as? String)
    )
  }

  func gc(_ arguments: String...) throws -> ProcessResult {
    let result = try sandbox.draft(arguments: ["gc"] + arguments, environment: environment)
    #expect(result.status == 0, "gc failed: \(result.stderr)")
    #expect(result.stderr == "")
    return result
  }

  func branchExists(_ branch: String) throws -> Bool {
    try sandbox.gitResult("rev-parse", "--verify", "--quiet", "refs/heads/" + branch).status == 0
  }

  func worktreeList() throws -> String { try sandbox.git("worktree", "list", "--porcelain") }
}

/// The regular files under `path`.
private func files(under path: String) -> [String] {
  var found: [String] = []
  let enumerator = FileManager.default.enumerator(atPath: path)
  while let name = enumerator?.nextObject() as? String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      found.append(name)
    }
  }
  return found
}

@Suite("git draft gc") struct GCTests {
  @Test func removesTheWorktreesAndBranchesOfDoneAndAbandonedTicketsOnly() throws {
    let s = try RunSandbox()
    // Copied files (.env) are not work: they do not keep a worktree.
    try "SECRET=1\n".write(toFile: s.sandbox.repo + "/.env", atomically: true, encoding: .utf8)
    try s.sandbox.git("config", "--add", "draft.copyFiles", ".env")
    let done = try s.runTicket("Finish the parser", to: "done")
    let abandoned = try s.runTicket("Try another lexer", to: "abandoned")
    let waiting = try s.runTicket("Document the grammar")
    #expect(FileManager.default.fileExists(atPath: done.worktree + "/.env"))

    // A dry run names what it would do and changes nothing.
    let (worktrees, refs) = (try s.worktreeList(), try s.sandbox.refSnapshot())
    let dry = try s.gc("--dry-run")
    for ticket in [done, abandoned] {
      #expect(dry.stdoutLines.contains { $0.hasPrefix("would remove worktree \(ticket.worktree) ") })
      #expect(dry.stdoutLines.contains("would delete branch \(ticket.branch)"))
    }
    #expect(!dry.stdout.contains(waiting.branch) && !dry.stdout.contains(waiting.worktree))
    #expect(
      dry.stdoutLines.last?.hasPrefix("gc: would remove 2 worktrees, 2 branches;") == true, "\(dry.stdout)")
    #expect(dry.stdoutLines.last?.contains("would pack") == true)
    #expect(try s.worktreeList() == worktrees)
    #expect(try s.sandbox.refSnapshot() == refs)
    #expect(FileManager.default.fileExists(atPath: done.worktree))
    #expect(!FileManager.default.fileExists(atPath: s.sandbox.repo + "/.git/packed-refs"))

    let result = try s.gc()
    #expect(
      result.stdoutLines.contains {
        $0.hasPrefix("removed worktree \(done.worktree) ") && $0.hasSuffix("is done)")
      })
    #expect(result.stdoutLines.contains("deleted branch \(abandoned.branch)"))
    #expect(result.stdoutLines.last?.hasPrefix("gc: removed 2 worktrees, 2 branches; packed ") == true)
    for ticket in [done, abandoned] {
      #expect(!FileManager.default.fileExists(atPath: ticket.worktree))
      #expect(try !s.worktreeList().contains(ticket.worktree))
      #expect(try !s.branchExists(ticket.branch))
      // The revision's commit stays reachable through its pin, with its evidence.
      #expect(try s.sandbox.gitResult("cat-file", "-e", ticket.head).status == 0)
      #expect(try s.sandbox.git("for-each-ref", "refs/draft/revisions/\(ticket.id)/").contains(ticket.head))
      #expect(try s.sandbox.draft("evidence", ticket.id).status == 0)
    }
    #expect(FileManager.default.fileExists(atPath: waiting.worktree))
    #expect(try s.worktreeList().contains(waiting.worktree))
    #expect(try s.branchExists(waiting.branch))
    #expect(try s.state(done.id) == "done" && s.state(abandoned.id) == "abandoned")

    // The board's refs are packed: one file instead of one per ref.
    let packed = try String(contentsOfFile: s.sandbox.repo + "/.git/packed-refs", encoding: .utf8)
    #expect(packed.contains(" refs/draft/tickets/\(done.id)\n"))
    #expect(packed.contains(" refs/draft/revisions/\(done.id)/\(done.head)\n"))
    #expect(files(under: s.sandbox.repo + "/.git/refs/draft").isEmpty)
    // The dry run's count was exact (the deleted branches were not counted).
    let packLine = try #require(dry.stdoutLines.first { $0.hasPrefix("would pack ") })
    #expect(result.stdoutLines.contains("packed " + packLine.dropFirst("would pack ".count)))
    #expect(try s.sandbox.list("--all").count == 3)

    #expect(try s.gc().stdout == "gc: nothing to do\n")
  }

  @Test func workSavedNowhereElseIsKept() throws {
    let s = try RunSandbox()
    let dirty = try s.runTicket("Finish the parser", to: "done")
    try "half done\n".write(toFile: dirty.worktree + "/notes.txt", atomically: true, encoding: .utf8)
    // A commit made by hand after the run is in no revision and merged nowhere.
    let committed = try s.runTicket("Try another lexer", to: "done")
    try "by hand\n".write(toFile: committed.worktree + "/by-hand.txt", atomically: true, encoding: .utf8)
    for arguments in [
      ["add", "by-hand.txt"], ["-c", "user.name=P", "-c", "user.email=p@e", "commit", "-qm", "more"],
    ] {
      #expect(try runProcess(gitBinary, arguments, in: committed.worktree).status == 0)
    }

    let result = try s.gc()
    #expect(
      result.stdoutLines.contains(
        "kept \(dirty.branch): \(dirty.worktree) has uncommitted changes; commit or discard them, then 'git draft gc'"
      ))
    #expect(
      result.stdoutLines.contains {
        $0.hasPrefix("kept \(committed.branch): its tip ") && $0.contains("is in no revision")
      })
    #expect(result.stdoutLines.last?.contains("kept 2 in place") == true, "\(result.stdout)")
    for ticket in [dirty, committed] {
      #expect(FileManager.default.fileExists(atPath: ticket.worktree + "/README"))
      #expect(try s.branchExists(ticket.branch))
    }
    #expect(try String(contentsOfFile: dirty.worktree + "/notes.txt", encoding: .utf8) == "half done\n")

    // Once the commit is merged into the target, the branch may go.
    try s.sandbox.git("merge", "-q", "--ff-only", committed.branch)
    #expect(try s.gc().stdoutLines.contains("deleted branch \(committed.branch)"))
    #expect(try !s.branchExists(committed.branch))
  }

  @Test func leavesBranchesInUseAlone() throws {
    let s = try RunSandbox()
    // Checked out in the main working tree (its worktree removed by hand first).
    let checkedOut = try s.runTicket("Finish the parser", to: "done")
    try s.sandbox.git("worktree", "remove", checkedOut.worktree)
    try s.sandbox.git("checkout", "-q", checkedOut.branch)
    // A run in progress in this clone: its marker names a live process (this one).
    let running = try s.runTicket("Try another lexer", to: "abandoned")
    let runs = s.sandbox.repo + "/.git/draft/runs"
    try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
    try "\(getpid())\n".write(toFile: runs + "/\(running.id).pid", atomically: true, encoding: .utf8)
    // A branch named like a ticket's that belongs to no ticket.
    try s.sandbox.git("branch", "draft/0123abcd-mine")

    let result = try s.gc()
    #expect(
      result.stdoutLines.contains("kept \(checkedOut.branch): it is checked out in the main working tree"))
    #expect(result.stdoutLines.contains { $0.hasPrefix("kept \(running.branch): a run of ") })
    #expect(!result.stdout.contains("0123abcd"))
    #expect(
      try s.branchExists(checkedOut.branch) && s.branchExists(running.branch)
        && s.branchExists("draft/0123abcd-mine"))
    #expect(FileManager.default.fileExists(atPath: running.worktree))
    #expect(FileManager.default.fileExists(atPath: runs + "/\(running.id).pid"))
  }

  @Test func aLockedWorktreeIsKeptAndTheRestCollected() throws {
    let s = try RunSandbox()
    let locked = try s.runTicket("Kept on a stick", to: "done")
    let other = try s.runTicket("Finish the parser", to: "done")
    try s.sandbox.git("worktree", "lock", "--reason", "on a USB stick", locked.worktree)
    let result = try s.gc()
    #expect(
      result.stdoutLines.contains(
        "kept \(locked.branch): \(locked.worktree) is locked (on a USB stick); "
          + "'git worktree unlock \(locked.worktree)', then 'git draft gc'"), "\(result.stdout)")
    #expect(try FileManager.default.fileExists(atPath: locked.worktree) && s.branchExists(locked.branch))
    #expect(!FileManager.default.fileExists(atPath: other.worktree))
    #expect(try !s.branchExists(other.branch))
  }

  @Test func prunesWorktreeDebrisAndStaleRunFiles() throws {
    let s = try RunSandbox()
    // A done ticket's worktree deleted by hand: git still lists it until told.
    let deleted = try s.runTicket("Finish the parser", to: "done")
    try FileManager.default.removeItem(atPath: deleted.worktree)
    // Someone else's worktree, deleted by hand.
    try s.sandbox.git("worktree", "add", "-q", "-b", "topic", s.sandbox.root + "/topic")
    try FileManager.default.removeItem(atPath: s.sandbox.root + "/topic")
    // Run files of a run that was killed (its process is gone), and of one that is alive.
    let runs = s.sandbox.repo + "/.git/draft/runs"
    try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
    let gone = Process()
    gone.executableURL = URL(fileURLWithPath: "/bin/true")
    try gone.run()
    gone.waitUntilExit()
    let (dead, live) = (String(repeating: "d", count: 64), String(repeating: "a", count: 64))
    let stale = ["\(dead).pid", "\(dead).prompt", "\(dead).message", "team-config.\(gone.processIdentifier)"]
    let kept = ["\(live).pid", "\(live).prompt", "README"]
    for name in stale + kept {
      try "\(name.hasPrefix(live) ? getpid() : gone.processIdentifier)\n".write(
        toFile: runs + "/" + name, atomically: true, encoding: .utf8)
    }

    let dry = try s.gc("--dry-run")
    #expect(
      dry.stdoutLines.contains(
        "would prune worktree entry worktrees/topic: gitdir file points to non-existent location"))
    let entry = "worktree entry worktrees/" + URL(fileURLWithPath: deleted.worktree).lastPathComponent
    #expect(dry.stdoutLines.contains { $0.hasPrefix("would prune \(entry): ") })
    #expect(dry.stdoutLines.contains("would delete branch \(deleted.branch)"))
    #expect(!dry.stdout.contains("would remove worktree"))
    for name in stale { #expect(dry.stdoutLines.contains("would remove stale run file \(runs)/\(name)")) }
    #expect(dry.stdoutLines.last?.contains("would prune 6 stale files") == true, "\(dry.stdout)")
    #expect(try s.worktreeList().contains(s.sandbox.root + "/topic"))
    for name in stale + kept { #expect(FileManager.default.fileExists(atPath: runs + "/" + name)) }

    let result = try s.gc()
    #expect(
      result.stdoutLines.contains(
        "pruned worktree entry worktrees/topic: gitdir file points to non-existent location"))
    #expect(result.stdoutLines.contains { $0.hasPrefix("pruned \(entry): ") })
    #expect(result.stdoutLines.contains("deleted branch \(deleted.branch)"))
    #expect(result.stdoutLines.last?.contains("pruned 6 stale files") == true, "\(result.stdout)")
    #expect(try !s.worktreeList().contains(s.sandbox.root + "/topic"))
    #expect(try !s.worktreeList().contains(deleted.worktree))
    #expect(try !s.branchExists(deleted.branch) && s.branchExists("topic"))
    for name in stale { #expect(!FileManager.default.fileExists(atPath: runs + "/" + name)) }
    for name in kept { #expect(FileManager.default.fileExists(atPath: runs + "/" + name)) }
  }

  @Test func releasesExpiredClaimsOnly() throws {
    let s = try Sandbox()
    let expired = try s.newTicket("Expired claim", "--state", "planned")
    let active = try s.newTicket("Active claim", "--state", "planned")
    try s.ok("claim", expired, "--lease", "1s", "--offline")
    try s.ok("claim", active, "--lease", "1h", "--offline")
    Thread.sleep(forTimeInterval: 2.2)

    let dry = try s.ok("gc", "--dry-run")
    #expect(dry.contains("would release expired claim on \(expired) (Test User <test@example.com> on "))
    #expect(!dry.contains(active))
    #expect(try s.show(expired).history?.contains { $0.action == "released" } == false)

    let result = try s.ok("gc")
    #expect(result.contains("released expired claim on \(expired) ("))
    #expect(
      result.hasSuffix("\n")
        && result.split(separator: "\n").last?.hasPrefix("gc: released 1 expired claim;") == true)
    #expect(try s.show(expired).history?.last?.action == "released")
    #expect(try s.show(active).history?.contains { $0.action == "released" } == false)
    #expect(try s.showJSON(active)["claimed_by"] is [String: Any])
    // Released once: a second gc has no claim left to release.
    #expect(!(try s.ok("gc")).contains("released"))
  }

  @Test func anEmptyBoardHasNothingToDo() throws {
    let s = try Sandbox()
    #expect(try s.ok("gc", "--dry-run") == "gc: nothing to do\n")
    #expect(try s.ok("gc") == "gc: nothing to do\n")
    #expect(try s.refSnapshot() == "")
  }
}
