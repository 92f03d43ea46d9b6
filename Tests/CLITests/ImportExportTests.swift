import Foundation
import Testing

/// `import` and `export`: JSON Lines, keys, refusal of bad input, and a lossless round trip.
@Suite struct ImportExportTests {
  @Test func keysLinkLinesInAnyOrder() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.draft(
      "import", "-",
      input: try jsonLines([
        // This line refers to lines that come after it.
        [
          "title": "Task", "key": "task", "blocked_by": ["design", "infra"], "parent": "epic",
          "related": ["notes"],
        ],
        ["title": "Epic", "key": "epic", "priority": "high", "labels": ["big"]],
        ["title": "Design", "key": "design", "state": "planned", "body": "draw it"],
        ["title": "Infra", "key": "infra", "priority": 4],
        ["title": "Notes", "key": "notes"],
      ]))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("5"), "import should say how many it made: \(result.stdout)")
    let tickets = try sandbox.ticketsByTitle()
    let task = try #require(tickets["Task"])
    let id = { (title: String) in tickets[title]?.id ?? "?" }
    #expect(Set(task.blocked_by) == [id("Design"), id("Infra")])
    #expect(task.parent == id("Epic"))
    #expect(task.related == [id("Notes")])
    #expect(tickets["Notes"]?.related == [task.id])
    #expect(tickets["Epic"]?.children == [task.id])
    #expect(tickets["Design"]?.blocks == [task.id])
    #expect(tickets["Epic"]?.priority == 1 && tickets["Epic"]?.labels == ["big"])
    #expect(tickets["Infra"]?.priority == 4)
    #expect(tickets["Design"]?.state == "planned" && tickets["Design"]?.body == "draw it")
    #expect(task.state == "proposed" && task.priority == 2)
    #expect(task.author == TicketDoc.Person(name: "Test User", email: "test@example.com"))
  }

  @Test func importFromAFileCanReferToExistingTickets() throws {
    let sandbox = try Sandbox()
    let existing = try sandbox.newTicket("Already here")
    let path = try sandbox.writeFile(
      "in.jsonl", try jsonLines([["title": "New work", "blocked_by": [existing]], ["title": "More"]]))
    try sandbox.ok("import", path)
    let tickets = try sandbox.ticketsByTitle()
    #expect(tickets.count == 3)
    #expect(tickets["New work"]?.blocked_by == [tickets["Already here"]?.id ?? ""])
  }

  @Test func importTakesAuthorsTimesAndComments() throws {
    let sandbox = try Sandbox()
    try sandbox.importLines([
      [
        "title": "Historic", "created_at": "2021-03-04T05:06:07Z",
        "author": ["name": "Original Author", "email": "orig@example.com"],
        "comments": [
          [
            "author": ["name": "Commenter", "email": "c@example.com"], "body": "old remark",
            "created_at": "2021-03-05T00:00:00Z",
          ]
        ],
      ]
    ])
    let ticket = try #require(try sandbox.ticketsByTitle()["Historic"])
    let detail = try sandbox.show(ticket.short_id)
    #expect(detail.created_at == "2021-03-04T05:06:07Z")
    #expect(detail.author == TicketDoc.Person(name: "Original Author", email: "orig@example.com"))
    #expect(
      detail.comments == [
        TicketDoc.Comment(
          author: .init(name: "Commenter", email: "c@example.com"), body: "old remark",
          created_at: "2021-03-05T00:00:00Z")
      ])
  }

  /// A bad line anywhere: one error line naming it, and nothing imported.
  @Test(arguments: [
    ("not json at all", 3),
    (#"{"body":"no title"}"#, 3),
    (#"{"title":"bad state","state":"finished"}"#, 3),
    (#"{"title":"bad priority","priority":9}"#, 3),
    (#"{"title":"bad priority word","priority":"urgent"}"#, 3),
    (#"{"title":"","body":"empty title"}"#, 3),
    (#"{"title":"dangling","blocked_by":["nosuchkey"]}"#, 3),
    (#"{"title":"dup","key":"one"}"#, 3),
    (#"{"title":"bad time","created_at":"yesterday"}"#, 3),
    (#"{"title":"bad label","labels":["has space"]}"#, 3),
    (#"{"title":"wrong type","priority":[1]}"#, 3),
  ])
  func aBadLineImportsNothing(line: String, number: Int) throws {
    let sandbox = try Sandbox()
    try sandbox.newTicket("Existing")
    let before = try sandbox.refSnapshot()
    let input =
      #"{"title":"fine one","key":"one"}"# + "\n" + #"{"title":"fine two","blocked_by":["one"]}"# + "\n"
      + line + "\n"
      + #"{"title":"fine four"}"# + "\n"
    let result = try sandbox.draft("import", "-", input: Data(input.utf8))
    expectError(result, 128, mentioning: ["line \(number)"])
    #expect(try sandbox.refSnapshot() == before)
    #expect(try sandbox.list().map(\.title) == ["Existing"])
    // The same through a file.
    let path = try sandbox.writeFile("bad.jsonl", Data(input.utf8))
    expectError(try sandbox.draft("import", path), 128, mentioning: ["line \(number)"])
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func aCycleBetweenLinesImportsNothing() throws {
    let sandbox = try Sandbox()
    let before = try sandbox.refSnapshot()
    let result = try sandbox.draft(
      "import", "-",
      input: try jsonLines([
        ["title": "a", "key": "a", "blocked_by": ["c"]],
        ["title": "b", "key": "b", "blocked_by": ["a"]],
        ["title": "c", "key": "c", "blocked_by": ["b"]],
      ]))
    expectError(result, 128, mentioning: ["line", "cycle"])
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func exportOfAnEmptyBoardIsEmpty() throws {
    let sandbox = try Sandbox()
    #expect(try sandbox.ok("export") == "")
    // And importing nothing makes nothing.
    let result = try sandbox.draft("import", "-", input: Data())
    #expect(result.status == 0)
    #expect(try sandbox.refSnapshot() == "")
  }

  @Test func exportIsOneJSONObjectPerTicket() throws {
    let sandbox = try Sandbox()
    try sandbox.newTicket("One", "-m", "multi\nline body")
    try sandbox.newTicket("Two")
    let lines = try sandbox.ok("export").split(separator: "\n")
    #expect(lines.count == 2)
    for line in lines {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(object?["title"] is String)
      #expect(object?["comments"] is [Any])
    }
  }

  /// A ticket's user-visible content with every linked id replaced by the linked ticket's title.
  struct Portable: Equatable {
    var title, body, state, created_at: String
    var priority: Int
    var labels: Set<String>
    var blockedBy, blocks, children, related: Set<String>
    var parent: String?
    var ready: Bool
    var author: TicketDoc.Person
    var comments: [TicketDoc.Comment]

    init(_ ticket: TicketDoc, titles: [String: String]) {
      func name(_ id: String) -> String { titles[id] ?? "missing \(id)" }
      title = ticket.title
      body = ticket.body
      state = ticket.state
      created_at = ticket.created_at
      priority = ticket.priority
      labels = Set(ticket.labels)
      blockedBy = Set(ticket.blocked_by.map(name))
      blocks = Set(ticket.blocks.map(name))
      children = Set(ticket.children.map(name))
      related = Set(ticket.related.map(name))
      parent = ticket.parent.map(name)
      ready = ticket.ready
      author = ticket.author
      comments = ticket.comments ?? []
    }
  }

  func portableBoard(_ sandbox: Sandbox) throws -> [String: Portable] {
    let listed = try sandbox.list("--all")
    let titles = Dictionary(uniqueKeysWithValues: listed.map { ($0.id, $0.title) })
    var result: [String: Portable] = [:]
    for ticket in listed { result[ticket.title] = Portable(try sandbox.show(ticket.id), titles: titles) }
    return result
  }

  @Test
  func historyAndReasonsSurviveTheRoundTrip() throws {
    let source = try Sandbox()
    let id = try source.newTicket("Has a past")
    try source.ok("move", id, "planned", "--reason", "agreed in the planning meeting")
    try source.ok("edit", id, "-m", "rewritten body")
    let original = try source.show(id)
    let target = try Sandbox()
    try target.ok("import", "-", input: Data(try source.ok("export").utf8))
    let copy = try #require(try target.list().first)
    let detail = try target.show(copy.id)
    #expect(detail.updated_at == original.updated_at)
    #expect(detail.history?.map(\.action) == original.history?.map(\.action))
    #expect(try target.ok("log", copy.id).contains("agreed in the planning meeting"))
  }

  @Test func exportImportsIntoAnotherRepositoryWithNothingLost() throws {
    let source = try Sandbox()
    let alice = ["GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.com"]
    let bob = ["GIT_AUTHOR_NAME": "Bob Ünïcode 🚀", "GIT_AUTHOR_EMAIL": "bob@example.com"]
    let epic = try source.ok(
      "new", "Epic", "-m", "the big one", "-p", "high", "-l", "epic", environment: alice
    )
    .trimmingCharacters(in: .newlines)
    let design = try source.newTicket(
      "Design", "--parent", epic, "-l", "ux", "-l", "design", "--state", "planned")
    let build = try source.newTicket(
      "Build", "--parent", epic, "--blocked-by", design, "-p", "0", "--state", "planned")
    let docs = try source.newTicket("Docs", "-p", "backlog")
    try source.ok("link", docs, "--related", build)
    try source.ok("link", docs, "--blocked-by", build)
    let hostile = "$(touch PWNED) `id` ; rm -rf / | cat && \"q\" 'q'\n\ttab 漢字 🚀 עברית \u{1b}[31mred\u{1b}[0m"
    let weird = try source.newTicket("Hostile \u{1b}]0;x\u{07} 'title'", "-m", hostile)
    try source.ok("comment", build, "-m", "first comment", environment: bob)
    try source.ok("comment", build, "-m", hostile, environment: alice)
    try source.ok("comment", weird, "-m", "on the hostile one", environment: bob)
    for state in ["executing", "verifying", "done"] { try source.ok("move", design, state) }
    try source.ok("move", docs, "abandoned")
    try source.ok("edit", epic, "--title", "Epic (renamed)", "--add-label", "q3")

    let exported = try source.ok("export")
    let target = try Sandbox()
    // Another person imports it.
    try target.git("config", "user.name", "Importer")
    try target.git("config", "user.email", "importer@example.com")
    let path = try target.writeFile("board.jsonl", Data(exported.utf8))
    let imported = try target.draft("import", path)
    #expect(imported.status == 0, "\(imported.stderr)")

    let before = try portableBoard(source)
    let after = try portableBoard(target)
    #expect(before.count == 5)
    #expect(Set(after.keys) == Set(before.keys))
    for (title, ticket) in before {
      #expect(after[title] == ticket, "\(title) changed in the round trip")
    }
    // Byte for byte for the hostile text, in the body and in the comment.
    let copy = try #require(after.values.first { $0.body == hostile })
    #expect(Array(copy.body.utf8) == Array(hostile.utf8))
    #expect(
      after["Build"]?.comments.map { Array($0.body.utf8) } == [
        Array("first comment".utf8), Array(hostile.utf8),
      ])
    // The same ids: an exported history hashes to the id it had.
    let ids = Set(try target.list("--all").map(\.id))
    #expect(ids == Set(try source.list("--all").map(\.id)))
    // Exporting the copy gives the same tickets again.
    let again = try target.ok("export").split(separator: "\n")
    #expect(again.count == exported.split(separator: "\n").count)
    #expect(!target.allPaths().contains { $0.contains("PWNED") })
  }
}
