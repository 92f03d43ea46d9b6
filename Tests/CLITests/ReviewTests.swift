import Foundation
import Testing

/// A run sandbox whose main branch has `greeting.txt` with two lines (and a binary `logo.png`),
/// and a ticket whose first run appended a third ("gamma"): revision 1 passed and the ticket
/// waits on a person.
struct ReviewSandbox {
  let s: RunSandbox
  let id: String
  var sandbox: Sandbox { s.sandbox }

  init(verify: String? = nil) throws {
    s = try RunSandbox()
    try "alpha\nbeta\n".write(toFile: s.sandbox.repo + "/greeting.txt", atomically: true, encoding: .utf8)
    try Data([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x0a]).write(
      to: URL(fileURLWithPath: s.sandbox.repo + "/logo.png"))
    try s.sandbox.git("add", "greeting.txt", "logo.png")
    try s.sandbox.git("commit", "-q", "-m", "greeting")
    if let verify { try s.sandbox.git("config", "--add", "draft.verify", verify) }
    id = try s.ticket()
    _ = try run(text: "gamma")
  }

  /// Runs the ticket's agent, which appends `text` to greeting.txt.
  func run(text: String, _ extra: [String: String] = [:]) throws -> ProcessResult {
    try s.run(
      [id, "--executor", "claude"],
      ["STANDIN_FILE": "greeting.txt", "STANDIN_TEXT": text].merging(extra) { $1 })
  }

  /// The worktree the runs work in.
  func worktree() throws -> String {
    try #require(try s.revisions(id).last?["worktree"] as? String)
  }

  func review() throws -> [String: Any] {
    let result = try sandbox.draft("review", id, "--json")
    #expect(result.status == 0, "review failed: \(result.stderr)")
    return try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any] ?? [:]
  }

  func comments() throws -> [[String: Any]] { try review()["comments"] as? [[String: Any]] ?? [] }
  func decisions() throws -> [[String: Any]] { try review()["decisions"] as? [[String: Any]] ?? [] }

  /// `git for-each-ref refs/draft`: what a refused command must leave as it was.
  func board() throws -> String { try sandbox.git("for-each-ref", "refs/draft") }
}

@Suite("git draft diff, comment, review, request-changes, approve") struct ReviewTests {
  @Test func diffShowsTheRevisionsChangeThroughGitAndChangesNothing() throws {
    let r = try ReviewSandbox()
    let refs = try r.sandbox.refSnapshot()
    let pager = ["GIT_PAGER": "cat"]
    let diff = try r.sandbox.draft("diff", r.id, environment: pager)
    #expect(diff.status == 0, "diff failed: \(diff.stderr)")
    #expect(diff.stdout.contains("diff --git a/greeting.txt b/greeting.txt"))
    #expect(diff.stdout.contains(" alpha\n beta\n+gamma\n"))
    #expect(!diff.stdout.contains("\u{1b}["), "no colour when not on a terminal")
    let stat = try r.sandbox.draft("diff", r.id, "--rev", "1", "--stat", environment: pager)
    #expect(stat.stdout.contains("greeting.txt | 1 +") && stat.stdout.contains("1 file changed"))
    // Paths after -- limit the diff; they are never taken as git options.
    #expect(try r.sandbox.draft("diff", r.id, "--", "README", environment: pager).stdout == "")
    let option = try r.sandbox.draft("diff", r.id, "--", "--output=pwned", environment: pager)
    #expect(option.stdout == "" && !FileManager.default.fileExists(atPath: r.sandbox.repo + "/pwned"))
    #expect(try r.sandbox.refSnapshot() == refs)

    expectError(try r.sandbox.draft("diff", r.id, "--rev", "5"), 128, mentioning: ["no revision 5"])
    let fresh = try r.sandbox.newTicket("Not run yet")
    expectError(try r.sandbox.draft("diff", fresh), 128, mentioning: ["no revisions yet"])
  }

  @Test func diffOfARevisionWithoutACommitSaysSo() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    #expect(try s.run([id, "--executor", "claude"], ["STANDIN_MODE": "nochange"]).status == 1)
    expectError(try s.sandbox.draft("diff", id), 128, mentioning: ["revision 1", "made no commit"])
  }

  @Test func anchoredCommentQuotesTheLinesOfTheRevisionNotTheWorktree() throws {
    let r = try ReviewSandbox()
    // The worktree moved on since the revision: the comment still reads the revision's commit.
    try "changed\n".write(toFile: try r.worktree() + "/greeting.txt", atomically: true, encoding: .utf8)
    let out = try r.sandbox.ok(
      "comment", r.id, "--file", "greeting.txt", "--line", "2-3", "-m", "Say it once")
    #expect(out.contains("greeting.txt:2-3") && out.contains("revision 1"))

    let comment = try #require(try r.comments().first)
    #expect(comment["kind"] as? String == "comment" && comment["body"] as? String == "Say it once")
    #expect(comment["revision"] as? Int == 1)
    let head = try r.s.revisions(r.id).first?["head"] as? String
    #expect(comment["commit"] as? String == head)
    let anchor = try #require(comment["anchor"] as? [String: Any])
    #expect(anchor["path"] as? String == "greeting.txt")
    #expect(anchor["start_line"] as? Int == 2 && anchor["end_line"] as? Int == 3)
    #expect(anchor["lines"] as? [String] == ["beta", "gamma"])
    #expect(comment["status"] as? String == "current")

    let text = try r.sandbox.ok("review", r.id)
    #expect(text.contains("greeting.txt:2-3 on #1 by Test User"))
    #expect(text.contains("> beta\n") && text.contains("> gamma\n") && text.contains("Say it once"))
    #expect(!text.contains("outdated"))

    // A comment on the revision as a whole, and the plain ticket comment, stay what they were.
    try r.sandbox.ok("comment", r.id, "--rev", "1", "-m", "Good start")
    try r.sandbox.ok("comment", r.id, "-m", "About the ticket")
    let comments = try r.comments()
    #expect(comments.count == 2)
    #expect(comments[1]["anchor"] is NSNull && comments[1]["status"] as? String == "unanchored")
    #expect(try r.sandbox.show(r.id).comments?.map(\.body) == ["About the ticket"])
  }

  @Test func commentsFollowTheirLinesIntoLaterRevisionsOrBecomeOutdated() throws {
    let r = try ReviewSandbox()
    try r.sandbox.ok("request-changes", r.id, "-m", "Greet properly")
    // A person edits the worktree; the next run commits it with the agent's line.
    try "inserted\nalpha\nBETA rewritten\ngamma\n".write(
      toFile: try r.worktree() + "/greeting.txt", atomically: true, encoding: .utf8)
    let second = try r.run(text: "delta")
    #expect(second.status == 0, "second run failed: \(second.stderr)")
    let prompt = try String(contentsOfFile: r.s.log + "/prompt", encoding: .utf8)
    #expect(prompt.contains("Greet properly"))

    try r.sandbox.ok("comment", r.id, "--rev", "1", "--file", "greeting.txt", "--line", "1", "-m", "on alpha")
    try r.sandbox.ok("comment", r.id, "--rev", "1", "--file", "greeting.txt", "--line", "2", "-m", "on beta")
    try r.sandbox.ok("comment", r.id, "--file", "greeting.txt", "--line", "5", "-m", "on delta")
    let comments = try r.comments()
    #expect(comments.map { $0["body"] as? String } == ["on alpha", "on beta", "on delta"])
    #expect(comments.map { $0["revision"] as? Int } == [1, 1, 2])
    #expect(comments.map { $0["status"] as? String } == ["current", "outdated", "current"])
    let moved = try #require(comments[0]["now"] as? [String: Any])
    #expect(
      moved["revision"] as? Int == 2 && moved["start_line"] as? Int == 2 && moved["end_line"] as? Int == 2)

    let text = try r.sandbox.ok("review", r.id)
    #expect(text.contains("greeting.txt:1 on #1") && text.contains("now at 2 in #2"))
    let beta = try #require(text.split(separator: "\n").first { $0.contains("greeting.txt:2 on #1") })
    #expect(beta.contains("outdated"))
    #expect(text.contains("requested changes on #1") && text.contains("(addressed by #2)"))
  }

  @Test func badLinesAndPathsAreRefusedAndChangeNothing() throws {
    let r = try ReviewSandbox()
    let before = try r.board()
    let refused: [([String], Int32, String)] = [
      (["--file", "greeting.txt", "--line", "4"], 128, "has 3 lines"),
      (["--file", "greeting.txt", "--line", "3-9"], 128, "has 3 lines"),
      (["--file", "greeting.txt", "--line", "0"], 129, "--line"),
      (["--file", "greeting.txt", "--line", "3-2"], 129, "--line"),
      (["--file", "missing.txt", "--line", "1"], 128, "no file 'missing.txt'"),
      (["--file", "logo.png", "--line", "1"], 128, "binary"),
      (["--file", "/etc/passwd", "--line", "1"], 128, "/etc/passwd"),
      (["--file", "../greeting.txt", "--line", "1"], 128, "top of the repository"),
      (["--file", "", "--line", "1"], 128, "top of the repository"),
      (["--file", "./greeting.txt", "--line", "1"], 128, "top of the repository"),
      (["--file", "greeting.txt"], 129, "--file and --line together"),
      (["--line", "1"], 129, "--file and --line together"),
      (["--rev", "7", "--file", "greeting.txt", "--line", "1"], 128, "no revision 7"),
      (["--file", "greeting.txt", "--line", "1", "-m", ""], 128, "empty"),
    ]
    for (arguments, status, message) in refused {
      let text = arguments.contains("-m") ? [] : ["-m", "a comment"]
      expectError(
        try r.sandbox.draft(arguments: ["comment", r.id] + arguments + text), status, mentioning: [message])
    }
    #expect(try r.board() == before)
    #expect(try r.comments().isEmpty)
  }

  @Test func requestChangesSendsTheTicketBackToPlannedAndRecordsTheSummary() throws {
    let r = try ReviewSandbox()
    let summary = try r.sandbox.writeFile("summary.txt", Data("Use title case.\nAnd a full stop.\n".utf8))
    let out = try r.sandbox.ok("request-changes", r.id, "-F", summary)
    #expect(out.contains("revision 1") && out.contains("git draft run"))
    #expect(try r.s.state(r.id) == "planned")
    #expect(try r.sandbox.show(r.id).history?.last?.action == "moved")
    // From planned it only records.
    try r.sandbox.ok("request-changes", r.id, "-m", "Also a comma")
    #expect(try r.s.state(r.id) == "planned")
    let decisions = try r.decisions()
    #expect(decisions.map { $0["kind"] as? String } == ["request_changes", "request_changes"])
    #expect(decisions.first?["body"] as? String == "Use title case.\nAnd a full stop.\n")
    #expect((decisions.first?["author"] as? [String: Any])?["name"] as? String == "Test User")
    #expect((try r.review()["next"] as? String)?.contains("addresses the 2 open items") == true)

    let proposed = try r.sandbox.newTicket("Idea", "--state", "proposed")
    let before = try r.board()
    expectError(try r.sandbox.draft("request-changes", proposed, "-m", "x"), 128, mentioning: ["proposed"])
    expectError(try r.sandbox.draft("request-changes", r.id, "-m", " "), 128, mentioning: ["what to change"])
    expectError(try r.sandbox.draft("request-changes", r.id), 129, mentioning: ["-m"])
    #expect(try r.board() == before)
  }

  @Test func approvalNeedsARevisionThatPassedAndIsRecordedOnce() throws {
    let failing = try ReviewSandbox(verify: "false")
    #expect(try failing.s.state(failing.id) == "blocked")
    let before = try failing.board()
    expectError(try failing.sandbox.draft("approve", failing.id), 128, mentioning: ["passed verification"])
    #expect(try failing.board() == before)

    let r = try ReviewSandbox(verify: "test -f greeting.txt")
    #expect(try r.review()["approved_revision"] is NSNull)
    #expect(try r.sandbox.ok("review", r.id).contains("git draft approve"))
    let out = try r.sandbox.ok("approve", r.id, "-m", "Ship it")
    #expect(out.contains("Approved revision 1"))
    let shown = try r.sandbox.ok("show", r.id)
    #expect(
      shown.contains("  approved revision 1\n") && shown.contains("Review: revision 1 approved; nothing open")
    )
    let review = try r.review()
    #expect(review["approved_revision"] as? Int == 1)
    let decision = try #require((review["decisions"] as? [[String: Any]])?.first)
    #expect(decision["kind"] as? String == "approve" && decision["body"] as? String == "Ship it")
    #expect((review["next"] as? String)?.contains("git draft merge") == true)
    let revision = try #require((review["revisions"] as? [[String: Any]])?.first)
    let verification = try #require(revision["verification"] as? [[String: Any]])
    #expect(verification.first?["command"] as? String == "test -f greeting.txt")
    #expect(verification.first?["exit_code"] as? Int == 0)
    let text = try r.sandbox.ok("review", r.id)
    #expect(text.contains("approved #1 by Test User") && text.contains("Approved:  revision 1"))
    #expect(text.contains("ok   test -f greeting.txt  (exit 0"))
    #expect(text.contains("Total: 1545 tokens, $0.0123"))

    // Approving again writes nothing.
    let approved = try r.board()
    #expect(try r.sandbox.ok("approve", r.id).contains("already approved"))
    #expect(try r.board() == approved)
    // Approval is for work waiting on a person.
    try r.sandbox.ok("request-changes", r.id, "-m", "On second thought")
    #expect(try r.review()["approved_revision"] is NSNull)
    let planned = try r.board()
    expectError(try r.sandbox.draft("approve", r.id), 128, mentioning: ["planned", "needs_human"])
    #expect(try r.board() == planned)
  }

  @Test func feedbackTravelsBetweenClonesAndConcurrentCommentsBothSurvive() throws {
    let r = try ReviewSandbox()
    let remote = try r.sandbox.bareRemote()
    try r.sandbox.git("remote", "add", "origin", remote)
    let alice = r.sandbox.home
    try alice.sync()
    // Through git's transport (not a local copy of every object), as over a network.
    let bob = try r.sandbox.clone("file://" + remote, as: "bob")
    // The ticket without its revision's commit: diff and comments say what fetches it.
    try bob.git("fetch", "-q", "origin", "refs/draft/tickets/*:refs/draft/tickets/*")
    expectError(try bob.draft("diff", r.id), 128, mentioning: ["git draft sync"])
    expectError(
      try bob.draft("comment", r.id, "--file", "greeting.txt", "--line", "1", "-m", "x"), 128,
      mentioning: ["git draft sync"])
    try bob.sync()

    // Both comment before either hears of the other.
    try alice.ok("comment", r.id, "--file", "greeting.txt", "--line", "1", "-m", "from alice")
    try bob.ok("comment", r.id, "--file", "greeting.txt", "--line", "3", "-m", "from bob")
    try bob.ok("request-changes", r.id, "-m", "bob wants changes")
    try bob.sync()
    try alice.sync()
    try bob.sync()
    for clone in [alice, bob] {
      let result = try clone.draft("review", r.id, "--json")
      let review = try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any] ?? [:]
      let comments = review["comments"] as? [[String: Any]] ?? []
      #expect(Set(comments.compactMap { $0["body"] as? String }) == ["from alice", "from bob"])
      let authors = Set(comments.compactMap { ($0["author"] as? [String: Any])?["name"] as? String })
      #expect(authors == ["Test User", "bob"])
      #expect((review["decisions"] as? [[String: Any]])?.first?["body"] as? String == "bob wants changes")
      #expect(review["state"] as? String == "planned")
    }
  }
}
