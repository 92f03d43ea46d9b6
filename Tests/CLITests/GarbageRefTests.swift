import Foundation
import Testing

/// Refs under refs/draft/ may come from anyone's push: bad ones are named, skipped, and kept.
@Suite struct GarbageRefTests {
  /// A valid board plus one bad ref of each kind; returns the bad refs' names.
  func plantGarbage(in sandbox: Sandbox, validTip: String) throws -> [String] {
    func id(_ character: Character) -> String { String(repeating: character, count: 64) }
    func blob(_ text: String) throws -> String {
      try sandbox.gitOut(["hash-object", "-w", "--stdin"], input: Data(text.utf8))
    }
    func tree(_ entries: [(String, String)]) throws -> String {
      let listing = entries.map { "100644 blob \($0.1)\t\($0.0)\n" }.joined()
      return try sandbox.gitOut(["mktree"], input: Data(listing.utf8))
    }
    func commit(_ tree: String, _ message: String) throws -> String {
      try sandbox.gitOut(["commit-tree", tree, "-m", message])
    }
    let validOps = try sandbox.gitOut(["rev-parse", "\(validTip):ops.json"])
    var refs: [String: String] = [:]
    // A blob where a commit should be.
    refs["refs/draft/tickets/" + id("a")] = try blob("just some bytes\n")
    // A commit whose tree lacks the files.
    refs["refs/draft/tickets/" + id("b")] = try commit(try tree([("README", try blob("hello\n"))]), "no ops")
    // A commit whose op pack is not JSON.
    refs["refs/draft/tickets/" + id("c")] = try commit(
      try tree([("ops.json", try blob("{not json")), ("version", try blob("1\n"))]), "bad json")
    // A commit of an unknown format version, with an otherwise valid op pack.
    refs["refs/draft/tickets/" + id("d")] = try commit(
      try tree([("ops.json", validOps), ("version", try blob("2\n"))]), "from the future")
    // A commit with valid JSON of the wrong shape.
    refs["refs/draft/tickets/" + id("e")] = try commit(
      try tree([("ops.json", try blob(#"{"hello":"world"}"#)), ("version", try blob("1\n"))]), "wrong shape")
    // A ref whose name is not a ticket id, pointing at a valid ticket's commit.
    refs["refs/draft/tickets/not-a-ticket-id"] = validTip
    for (name, target) in refs { try sandbox.git("update-ref", name, target) }
    return refs.keys.sorted()
  }

  @Test func badRefsAreNamedSkippedAndKept() throws {
    let sandbox = try Sandbox()
    let good = try sandbox.newTicket("Good ticket", "--state", "planned", "-l", "ok")
    let other = try sandbox.newTicket("Another good one")
    let full = try sandbox.show(good).id
    let tip = try sandbox.gitOut(["rev-parse", "refs/draft/tickets/\(full)"])
    let bad = try plantGarbage(in: sandbox, validTip: tip)
    let before = try sandbox.refSnapshot()

    for arguments in [
      ["list"], ["list", "--json"], ["list", "--all"], ["next"], ["next", "--all"], ["board"],
      ["board", "--all"],
    ] {
      let result = try sandbox.draft(arguments: arguments)
      #expect(result.status == 0, "\(arguments) failed: \(result.stderr)")
      #expect(result.stdout.contains(good), "\(arguments) lost the valid ticket")
      if arguments[0] != "next" { #expect(result.stdout.contains(other)) }
      for name in bad {
        #expect(
          result.stderrLines.contains { $0.hasPrefix("warning:") && $0.contains(name) },
          "\(arguments) did not name \(name):\n\(result.stderr)")
      }
      #expect(result.stderrLines.allSatisfy { $0.hasPrefix("warning:") }, "\(result.stderr)")
    }
    // JSON output stays valid and holds only the good tickets.
    #expect(Set(try sandbox.list().map(\.id)) == [full, try sandbox.show(other).id])

    // The good tickets still work normally, including writes.
    try sandbox.ok("comment", good, "-m", "still fine")
    try sandbox.ok("move", other, "planned")
    let newer = try sandbox.newTicket("Made among garbage")
    #expect(try sandbox.show(newer).title == "Made among garbage")

    // Nothing was deleted or rewritten.
    let after = Set(try sandbox.refSnapshot().split(separator: "\n"))
    for name in bad {
      let line = try #require(before.split(separator: "\n").first { $0.hasPrefix(name + " ") })
      #expect(after.contains(line), "\(name) was deleted or moved")
    }
    // git itself is happy with the repository.
    let fsck = try sandbox.gitResult("fsck", "--no-progress")
    #expect(fsck.status == 0, "\(fsck.stdout)\(fsck.stderr)")
    #expect(!(fsck.stdout + fsck.stderr).contains("error"))
  }

  @Test func exportWarnsAboutTheTicketsItSkips() throws {
    let sandbox = try Sandbox()
    let good = try sandbox.newTicket("Good")
    let tip = try sandbox.gitOut(["rev-parse", "refs/draft/tickets/\(try sandbox.show(good).id)"])
    let bad = try plantGarbage(in: sandbox, validTip: tip)
    let result = try sandbox.draft("export")
    #expect(result.status == 0)
    #expect(result.stdout.split(separator: "\n").count == 1)
    for name in bad { #expect(result.stderr.contains(name), "export did not name \(name)") }
  }

  @Test func showingABadRefIsOneError() throws {
    let sandbox = try Sandbox()
    let good = try sandbox.newTicket("Good")
    let tip = try sandbox.gitOut(["rev-parse", "refs/draft/tickets/\(try sandbox.show(good).id)"])
    _ = try plantGarbage(in: sandbox, validTip: tip)
    let before = try sandbox.refSnapshot()
    for prefix in ["aaaa", "bbbbbbbb", "cccc", "dddd", "eeee"] {
      expectError(try sandbox.draft("show", prefix), 128, mentioning: [prefix])
      expectError(try sandbox.draft("comment", prefix, "-m", "x"), 128)
    }
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func anOversizedOpPackIsSkipped() throws {
    let sandbox = try Sandbox()
    let good = try sandbox.newTicket("Good", "--state", "planned")
    // A 9 MB op pack: well-formed JSON, but beyond any sane ticket.
    var json = #"{"author":{"email":"x@example.com","name":"X"},"lamport":1,"ops":[{"body":""#
    json += String(repeating: "x", count: 9 << 20)
    json +=
      #"","nonce":"00","priority":2,"state":"proposed","title":"huge","type":"create"}],"time":1,"version":1}"#
    let ops = try sandbox.gitOut(["hash-object", "-w", "--stdin"], input: Data(json.utf8))
    let version = try sandbox.gitOut(["hash-object", "-w", "--stdin"], input: Data("1\n".utf8))
    let tree = try sandbox.gitOut(
      ["mktree"], input: Data("100644 blob \(ops)\tops.json\n100644 blob \(version)\tversion\n".utf8))
    let commit = try sandbox.gitOut(["commit-tree", tree, "-m", "huge"])
    let name = "refs/draft/tickets/" + String(repeating: "f", count: 64)
    try sandbox.git("update-ref", name, commit)
    for arguments in [["list"], ["next"], ["board"]] {
      let result = try sandbox.draft(arguments: arguments)
      #expect(result.status == 0)
      #expect(result.stdout.contains(good))
      #expect(result.stderr.contains(name), "\(arguments): \(result.stderr)")
    }
    #expect(try sandbox.gitOut(["rev-parse", name]) == commit)
  }
}
