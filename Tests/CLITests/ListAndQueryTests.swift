import Foundation
import Testing

/// `list` lines, query terms, sorting and closed tickets.
@Suite struct ListAndQueryTests {
  @Test func aLineHasIdStatePriorityTitleAndLabels() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket(
      "Fix the parser", "-p", "high", "-l", "bug", "-l", "ui", "--state", "planned")
    let output = try sandbox.ok("list")
    let lines = output.split(separator: "\n")
    #expect(lines.count == 1)
    let line = String(try #require(lines.first))
    var position = line.startIndex
    for part in [id, "planned", "P1", "Fix the parser", "bug", "ui"] {
      let range = try #require(
        line.range(of: part, range: position..<line.endIndex), "\(part) missing or out of order in: \(line)")
      position = range.upperBound
    }
    #expect(line.hasPrefix(id))
  }

  @Test func closedTicketsOnlyWithAllOrAStateTerm() throws {
    let sandbox = try Sandbox()
    try sandbox.importLines([
      ["title": "Open one", "state": "planned"],
      ["title": "Finished", "state": "done"],
      ["title": "Dropped", "state": "abandoned"],
      ["title": "Waiting on a person", "state": "needs_human"],
    ])
    let open = try sandbox.list().map(\.title)
    #expect(Set(open) == ["Open one", "Waiting on a person"])
    let text = try sandbox.ok("list")
    #expect(!text.contains("Finished") && !text.contains("Dropped"))
    #expect(
      Set(try sandbox.list("--all").map(\.title)) == [
        "Open one", "Finished", "Dropped", "Waiting on a person",
      ])
    #expect(try sandbox.ok("list", "-a").contains("Finished"))
    #expect(try sandbox.list("state:done").map(\.title) == ["Finished"])
    #expect(Set(try sandbox.list("state:done", "state:abandoned").map(\.title)) == ["Finished", "Dropped"])
    #expect(try sandbox.ok("list", "state:abandoned").contains("Dropped"))
  }

  @Test func queryTermsFilter() throws {
    let sandbox = try Sandbox()
    let env = ["GIT_AUTHOR_NAME": "Alice Example", "GIT_AUTHOR_EMAIL": "alice@example.org"]
    try sandbox.ok(
      "new", "Crash on startup", "-m", "The PARSER dies", "-p", "0", "-l", "bug", "-l", "core", "--state",
      "planned")
    try sandbox.ok("new", "Slow parser", "-p", "3", "-l", "perf", "--state", "planned", environment: env)
    let docs = try sandbox.newTicket("Write docs", "-l", "docs", "-p", "3")
    try sandbox.ok("new", "Blocked thing", "-l", "bug", "--state", "planned", "--blocked-by", docs)

    func titles(_ terms: String...) throws -> Set<String> {
      let result = try sandbox.draft(arguments: ["list", "--json"] + terms)
      #expect(result.status == 0, "list \(terms) failed: \(result.stderr)")
      return Set(try JSONDecoder().decode([TicketDoc].self, from: result.stdoutBytes).map(\.title))
    }
    #expect(try titles("state:proposed") == ["Write docs"])
    #expect(try titles("state:planned", "state:proposed").count == 4)
    #expect(try titles("label:bug") == ["Crash on startup", "Blocked thing"])
    #expect(try titles("label:bug", "label:core") == ["Crash on startup"], "every label must be present")
    #expect(try titles("priority:3") == ["Slow parser", "Write docs"])
    #expect(try titles("priority:critical") == ["Crash on startup"])
    #expect(try titles("author:alice") == ["Slow parser"])
    #expect(try titles("author:test@example.com").count == 3)
    #expect(try titles("is:ready") == ["Crash on startup", "Slow parser"])
    #expect(
      try titles("parser") == ["Crash on startup", "Slow parser"], "words match title and body, any case")
    #expect(try titles("parser", "dies") == ["Crash on startup"], "all words must match")
    #expect(try titles("label:perf", "parser") == ["Slow parser"])
    #expect(try titles("nothing-matches-this") == [])
    // Text output follows the same filter.
    let text = try sandbox.ok("list", "label:perf")
    #expect(text.contains("Slow parser") && !text.contains("Crash"))
    #expect(try sandbox.ok("list", "nothing-matches-this") == "")
  }

  @Test func sortByPriorityCreatedAndUpdated() throws {
    let sandbox = try Sandbox()
    try sandbox.importLines([
      ["title": "old low", "priority": 3, "created_at": "2020-01-01T00:00:00Z"],
      ["title": "mid urgent", "priority": 0, "created_at": "2021-01-01T00:00:00Z"],
      ["title": "new low", "priority": 3, "created_at": "2022-01-01T00:00:00Z"],
      ["title": "newest medium", "priority": 2, "created_at": "2023-01-01T00:00:00Z"],
    ])
    // Default: most urgent first, then oldest.
    let byPriority = ["mid urgent", "newest medium", "old low", "new low"]
    #expect(try sandbox.list().map(\.title) == byPriority)
    #expect(try sandbox.list("sort:priority").map(\.title) == byPriority)
    let textOrder = try sandbox.ok("list").split(separator: "\n").map { line in
      byPriority.first { line.hasSuffix($0) } ?? "?"
    }
    #expect(textOrder == byPriority)
    // Newest first.
    #expect(
      try sandbox.list("sort:created").map(\.title) == ["newest medium", "new low", "mid urgent", "old low"])
    // Most recently changed first: an edit today moves the oldest ticket to the top.
    let oldest = try #require(try sandbox.ticketsByTitle()["old low"])
    try sandbox.ok("comment", oldest.short_id, "-m", "bump")
    let byUpdate = try sandbox.list("sort:updated").map(\.title)
    #expect(byUpdate.first == "old low")
    #expect(byUpdate.count == 4)
  }

  /// A bad query is a usage error (129) that says what would have been valid.
  @Test func badQueryTermsAreUsageErrors() throws {
    let sandbox = try Sandbox()
    try sandbox.newTicket("x")
    expectError(
      try sandbox.draft("list", "state:bogus"), 129, mentioning: ["bogus", "planned", "needs_human"])
    expectError(try sandbox.draft("list", "priority:9"), 129, mentioning: ["9", "0-4"])
    expectError(try sandbox.draft("list", "sort:sideways"), 129, mentioning: ["sideways", "sort:created"])
    expectError(try sandbox.draft("list", "is:blue"), 129, mentioning: ["is:blue"])
  }

  @Test func listWorksFromASubdirectory() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Seen from below")
    let sub = sandbox.repo + "/a/b"
    try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
    let result = try runProcess(gitDraftBinary, ["list"], in: sub)
    #expect(result.status == 0)
    #expect(result.stdout.contains(id) && result.stdout.contains("Seen from below"))
  }
}
