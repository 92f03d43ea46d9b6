import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `git draft work`: the autopilot over a real backlog, with the claude stand-in as the agent.
@Suite("git draft work") struct WorkTests {
  /// A sandbox whose policy approves and merges by itself.
  func autopilot() throws -> RunSandbox {
    let s = try RunSandbox()
    try s.sandbox.git("config", "draft.autoApprove", "true")
    try s.sandbox.git("config", "draft.autoMerge", "true")
    return s
  }

  func work(_ s: RunSandbox, _ arguments: [String], _ extra: [String: String] = [:]) throws -> ProcessResult {
    try s.sandbox.draft(
      arguments: ["work", "--executor", "claude"] + arguments,
      environment: s.environment.merging(extra) { $1 })
  }

  @Test func backlogWithDependenciesIsWorkedInOrderEachTicketOnce() throws {
    let s = try autopilot()
    let first = try s.ticket("Lay the foundation")
    let second = try s.ticket("Build on it")
    let third = try s.ticket("Put the roof on")
    try s.sandbox.ok("link", second, "--blocked-by", first)
    try s.sandbox.ok("link", third, "--blocked-by", second)
    let unrelated = try s.ticket("Paint the fence")

    let result = try work(s, ["--parallel", "2"], ["STANDIN_FILE": "log.txt"])
    #expect(result.status == 0, "work failed: \(result.stderr)\(result.stdout)")
    #expect(result.stdout.contains("4 runs: 4 merged"), "\(result.stdout)")
    for id in [first, second, third, unrelated] {
      #expect(try s.state(id) == "done")
      #expect(try s.revisions(id).count == 1, "each ticket runs once")
    }
    // Each dependent ticket's work started from a target that already held its blocker's merge.
    func mergeCommit(_ id: String) throws -> String {
      try s.sandbox.git("log", "--format=%H", "--grep=Draft-Ticket: \(id)", "--merges", "main")
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    for (blocker, dependent) in [(first, second), (second, third)] {
      let base = try #require(try s.revisions(dependent).first?["base"] as? String)
      let merged = try mergeCommit(blocker)
      #expect(!merged.isEmpty)
      #expect(try s.sandbox.gitResult("merge-base", "--is-ancestor", merged, base).status == 0)
    }
    // The three dependent runs each appended to the file on top of the one before.
    #expect(
      try String(contentsOfFile: s.sandbox.repo + "/log.txt", encoding: .utf8).contains("agent was here"))
    // Nothing is left claimed.
    for id in [first, second, third, unrelated] {
      #expect(!(try s.sandbox.showJSON(id)["claimed_by"] is [String: Any]))
    }
  }

  @Test func parallelRunsWorkAtTheSameTime() throws {
    let s = try autopilot()
    try s.sandbox.git("config", "draft.autoMerge", "false")
    let ids = [try s.ticket("One"), try s.ticket("Two")]
    // Each stand-in waits until both have started: run one after the other, the first fails.
    let result = try work(s, ["--parallel", "2"], ["STANDIN_BARRIER": "2"])
    #expect(result.status == 0, "work failed: \(result.stderr)\(result.stdout)")
    for id in ids {
      #expect(try s.revisions(id).first?["outcome"] as? String == "passed")
      #expect(try s.state(id) == "needs_human")
    }
    #expect(result.stdout.contains("2 approved"), "\(result.stdout)")
  }

  @Test func withoutParallelTheRunsAreOneAtATime() throws {
    let s = try autopilot()
    let ids = [try s.ticket("One"), try s.ticket("Two")]
    let result = try work(s, [], ["STANDIN_BARRIER": "2", "STANDIN_BARRIER_WAIT": "2"])
    // The first run waits for a second that never comes; the stand-in gives up.
    #expect(result.status == 0)
    let outcomes = try ids.map { try s.revisions($0).first?["outcome"] as? String }
    #expect(outcomes.contains("agent_failed"), "\(outcomes)")
  }

  @Test func dailyBudgetStopsNewRuns() throws {
    let s = try autopilot()
    // Each stand-in run costs $0.0123: after two, the day has spent $0.0246.
    try s.sandbox.git("config", "draft.budget.day", "0.02")
    let ids = [try s.ticket("One"), try s.ticket("Two"), try s.ticket("Three")]
    let result = try work(s, [])
    #expect(result.status == 1)
    #expect(result.stdout.contains("daily budget of $0.0200 is reached"), "\(result.stdout)")
    let ran = try ids.filter { try !s.revisions($0).isEmpty }
    #expect(ran.count == 2)
    // A single run is refused the same way, before anything is written.
    let left = try #require(ids.first { !ran.contains($0) })
    let before = try s.sandbox.refSnapshot()
    let run = try s.run([left, "--executor", "claude"])
    #expect(run.status == 128 && run.stderr.contains("daily budget"), "\(run.stderr)")
    #expect(try s.sandbox.refSnapshot() == before)
  }

  @Test func perRunTokenBudgetStopsTheAgentAndRecordsTheRun() throws {
    let s = try autopilot()
    try s.sandbox.git("config", "draft.budget.runTokens", "100")
    let id = try s.ticket()
    let result = try work(s, [], ["STANDIN_MODE": "spend", "STANDIN_SLEEP": "60"])
    #expect(result.status == 0, "\(result.stderr)\(result.stdout)")
    let revision = try #require(try s.revisions(id).first)
    #expect(revision["outcome"] as? String == "cancelled")
    #expect((revision["reason"] as? String)?.contains("per-run budget of 100 tokens") == true)
    #expect(try s.state(id) == "blocked")
    #expect(!(try s.sandbox.showJSON(id)["claimed_by"] is [String: Any]))
  }

  @Test func policyLeavesLargeOrProtectedChangesForReview() throws {
    let s = try autopilot()
    try s.sandbox.git("config", "draft.protectedPaths", "ci/ *.yml")
    let protected = try s.ticket("Touch CI")
    let result = try work(s, [], ["STANDIN_FILE": "pipeline.yml"])
    #expect(result.status == 0)
    #expect(try s.state(protected) == "needs_human")
    #expect(result.stdout.contains("pipeline.yml, a protected path"), "\(result.stdout)")

    try s.sandbox.git("config", "draft.maxDiffLines", "0")
    let large = try s.ticket("Anything at all")
    let second = try work(s, [])
    #expect(try s.state(large) == "needs_human")
    #expect(second.stdout.contains("over draft.maxDiffLines"), "\(second.stdout)")
    #expect(try s.sandbox.git("log", "--oneline", "main").split(separator: "\n").count == 1)
  }

  @Test func mergeConflictBlocksTheTicketThenARunResolvesIt() throws {
    let s = try autopilot()
    let ids = [try s.ticket("One"), try s.ticket("Two")]
    // Both start from the same main and rewrite the README differently: the second to merge
    // conflicts with the first.
    let agent = ["STANDIN_MODE": "replace", "STANDIN_FILE": "README", "STANDIN_TEXT": "README by {ticket}"]
    let result = try work(s, ["--parallel", "2"], agent.merging(["STANDIN_BARRIER": "2"]) { $1 })
    #expect(result.status == 0, "\(result.stderr)\(result.stdout)")
    #expect(result.stdout.contains("1 merged") && result.stdout.contains("1 blocked"), "\(result.stdout)")
    let blocked = try #require(try ids.first { try s.state($0) == "blocked" })
    let merged = try #require(ids.first { $0 != blocked })
    #expect(try s.state(merged) == "done")
    // The target holds exactly the merged ticket's work.
    #expect(
      try String(contentsOfFile: s.sandbox.repo + "/README", encoding: .utf8) == "README by \(merged)\n")
    #expect(try s.sandbox.git("status", "--porcelain").isEmpty)
    let evidence = try s.sandbox.ok("evidence", blocked)
    #expect(evidence.contains("\"conflict\"") && evidence.contains("README"), "\(evidence)")

    // The next run merges main into the ticket's branch and asks the agent to resolve.
    let rerun = try s.run([blocked, "--executor", "claude"], agent)
    #expect(rerun.status == 0, "\(rerun.stderr)\(rerun.stdout)")
    let prompt = try String(contentsOfFile: s.log + "/prompt", encoding: .utf8)
    #expect(prompt.contains("## Merge conflict with main"))
    #expect(prompt.contains("- README"))
    let revision = try #require(try s.revisions(blocked).last)
    #expect(revision["outcome"] as? String == "passed")
    let head = try #require(revision["head"] as? String)
    #expect(try s.sandbox.git("rev-list", "--parents", "-n", "1", head).split(separator: " ").count == 3)
    // Now it merges cleanly.
    try s.sandbox.ok("approve", blocked)
    try s.sandbox.ok("merge", blocked)
    #expect(try s.state(blocked) == "done")
    #expect(
      try String(contentsOfFile: s.sandbox.repo + "/README", encoding: .utf8) == "README by \(blocked)\n")
  }

  @Test func aDirtyTargetLeavesTheWorkApprovedButNotMerged() throws {
    let s = try autopilot()
    let id = try s.ticket()
    try "my own edit\n".write(toFile: s.sandbox.repo + "/README", atomically: true, encoding: .utf8)
    let before = try s.mainTree()
    let result = try work(s, [])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("1 approved"), "\(result.stdout)")
    #expect(result.stdout.contains("not merged: main has uncommitted changes"), "\(result.stdout)")
    #expect(try s.mainTree() == before)
    #expect(try s.state(id) == "needs_human")
  }

  @Test func untilEmptyWaitsForATicketClaimedElsewhere() throws {
    let s = try autopilot()
    let id = try s.ticket()
    // Someone else holds the ticket for a few more seconds.
    let other = ["GIT_AUTHOR_NAME": "Other", "GIT_AUTHOR_EMAIL": "other@example.com"]
    #expect(try s.sandbox.draft(arguments: ["claim", id, "--lease", "5s"], environment: other).status == 0)
    let once = try work(s, [])
    #expect(once.status == 0 && once.stdout.contains("no ticket was run"), "\(once.stdout)")
    let waited = try work(s, ["--until-empty", "--poll", "1s"])
    #expect(waited.status == 0, "\(waited.stderr)")
    #expect(waited.stdout.contains("waiting: nothing is ready"), "\(waited.stdout)")
    #expect(waited.stdout.contains("1 run: 1 merged"), "\(waited.stdout)")
    #expect(try s.state(id) == "done")
  }

  @Test func claimsAreRenewedWhileTheRunLastsLongerThanTheLease() throws {
    let s = try autopilot()
    let id = try s.ticket()
    nonisolated(unsafe) var result: ProcessResult?
    let worker = Thread {
      result = try? self.work(s, ["--lease", "6s"], ["STANDIN_MODE": "sleep", "STANDIN_SLEEP": "10"])
    }
    worker.start()
    let deadline = Date().addingTimeInterval(60)
    while !FileManager.default.fileExists(atPath: s.log + "/prompt") && Date() < deadline { usleep(50_000) }
    // Past the first lease: the claim was renewed, so another machine still cannot take it.
    usleep(8_000_000)
    let other = ["GIT_AUTHOR_NAME": "Other", "GIT_AUTHOR_EMAIL": "other@example.com"]
    let taken = try s.sandbox.draft(arguments: ["claim", id], environment: other)
    #expect(
      taken.status == 1 && taken.stderr.contains("is claimed by Test User"), "\(taken.stdout)\(taken.stderr)")
    while !worker.isFinished && Date() < deadline { usleep(50_000) }
    #expect(result?.status == 0, "\(result?.stdout ?? "")\(result?.stderr ?? "")")
    #expect(try s.state(id) == "done")
    let history = try #require(try s.sandbox.showJSON(id)["history"] as? [[String: Any]])
    #expect(history.filter { $0["action"] as? String == "claimed" }.count >= 3, "claimed, then renewed")
    #expect(!(try s.sandbox.showJSON(id)["claimed_by"] is [String: Any]))
  }

  @Test func interruptStopsTheRunsRecordsThemAndReleasesTheClaims() throws {
    let s = try autopilot()
    let ids = [try s.ticket("One"), try s.ticket("Two")]
    let process = Process()
    process.executableURL = URL(fileURLWithPath: gitDraftBinary)
    process.arguments = ["work", "--executor", "claude", "--parallel", "2"]
    process.currentDirectoryURL = URL(fileURLWithPath: s.sandbox.repo)
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
    environment["HOME"] = s.sandbox.root
    environment["XDG_CONFIG_HOME"] = s.sandbox.root + "/.no-such-config-dir"
    environment["STANDIN_MODE"] = "sleep"
    environment["STANDIN_SLEEP"] = "60"
    for (key, value) in s.environment { environment[key] = value }
    process.environment = environment
    let output = s.sandbox.root + "/work-output"
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Both agents have started once both tickets are claimed and both logged their arguments.
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      let claimed = try ids.filter { try s.sandbox.showJSON($0)["claimed_by"] is [String: Any] }
      let argv = (try? String(contentsOfFile: s.log + "/argv", encoding: .utf8)) ?? ""
      if claimed.count == 2 && argv.split(separator: "\n").filter({ $0 == "--" }).count == 2 { break }
      usleep(100_000)
    }
    usleep(300_000)
    process.interrupt()
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
    for id in ids {
      let revisions = try s.revisions(id)
      #expect(
        revisions.first?["outcome"] as? String == "cancelled",
        "\((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
      #expect(!(try s.sandbox.showJSON(id)["claimed_by"] is [String: Any]))
    }
  }
}
