import Foundation
import Testing

/// Review feedback travels back to the agent: `request-changes` and anchored comments reach
/// the next run's prompt, and the revision that follows marks them addressed.
@Suite("review feedback reaches the agent") struct FeedbackLoopTests {
  @Test func requestedChangesAndAnchoredCommentsReachTheNextPrompt() throws {
    let s = try RunSandbox()
    let id = try s.ticket("Greet the user")
    let agent = ["STANDIN_FILE": "greeting.txt", "STANDIN_TEXT": "print hello"]
    #expect(try s.run([id, "--executor", "claude"], agent).status == 0)

    try s.sandbox.ok(
      "comment", id, "--rev", "1", "--file", "greeting.txt", "--line", "1", "-m", "Use the user's name")
    try s.sandbox.ok("request-changes", id, "-m", "Greet by name, please")
    #expect(try s.state(id) == "planned")
    // `show` counts what is open; its JSON carries each item.
    let shown = try s.sandbox.ok("show", id)
    #expect(shown.contains("Review: 2 open items"))
    // The history says each once, in words.
    #expect(
      shown.contains("  commented on revision 1\n") && shown.contains("  requested changes on revision 1\n"))
    let open = try #require(try s.sandbox.showJSON(id)["feedback"] as? [[String: Any]])
    #expect(open.map { $0["kind"] as? String } == ["comment", "request_changes"])
    #expect(open.allSatisfy { $0["addressed_by"] is NSNull })

    let second = try s.run(
      [id, "--executor", "claude"], agent.merging(["STANDIN_TEXT": "print hello, name"]) { $1 })
    #expect(second.status == 0, "\(second.stderr)")
    let prompt = try String(contentsOfFile: s.log + "/prompt", encoding: .utf8)
    #expect(prompt.contains("## Review feedback to address"))
    #expect(prompt.contains("Greet by name, please"))
    #expect(prompt.contains("on greeting.txt, lines 1-1"))
    #expect(prompt.contains("```\nprint hello\n```"))
    #expect(prompt.contains("Use the user's name"))

    // Revision 2 addressed both; a third run's prompt no longer carries them.
    let revisions = try s.revisions(id)
    #expect((revisions.last?["addressed"] as? [String])?.count == 2)
    #expect(try s.sandbox.ok("show", id).contains("Review: nothing open"))
    let addressed = try #require(try s.sandbox.showJSON(id)["feedback"] as? [[String: Any]])
    #expect(addressed.allSatisfy { $0["addressed_by"] as? Int == 2 })
    try s.sandbox.ok("move", id, "planned")
    #expect(try s.run([id, "--executor", "claude"], agent).status == 0)
    let third = try String(contentsOfFile: s.log + "/prompt", encoding: .utf8)
    #expect(!third.contains("Review feedback"))
    #expect(!third.contains("Use the user's name"))
  }

  @Test func feedbackLeftDuringARunStaysOpenForTheNextOne() throws {
    let s = try RunSandbox()
    let id = try s.ticket()
    #expect(try s.run([id, "--executor", "claude"]).status == 0)
    try s.sandbox.ok("request-changes", id, "-m", "Try again")
    // A run the agent did not finish does not address anything.
    #expect(try s.run([id, "--executor", "claude"], ["STANDIN_MODE": "fail"]).status == 1)
    #expect((try s.revisions(id).last?["addressed"] as? [String])?.isEmpty == true)
    try s.sandbox.ok("move", id, "planned")
    #expect(try s.run([id, "--executor", "claude"]).status == 0)
    let prompt = try String(contentsOfFile: s.log + "/prompt", encoding: .utf8)
    #expect(prompt.contains("Try again"))
  }
}
