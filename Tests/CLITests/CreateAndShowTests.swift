import Foundation
import Testing

/// `init`, `new`, `show`, `edit`, `comment` and `log` through the real binary.
@Suite struct CreateAndShowTests {
  @Test func initSaysWhatItDidAndIsIdempotent() throws {
    let sandbox = try Sandbox()
    let first = try sandbox.ok("init")
    #expect(!first.isEmpty, "init should say what it did")
    let second = try sandbox.ok("init")
    #expect(!second.isEmpty)
    #expect(second != first, "a second init should say there was nothing to do")
    #expect(second.lowercased().contains("nothing") || second.lowercased().contains("already"))
    // Setting up leaves the working tree and the user's refs alone.
    #expect(try sandbox.git("status", "--porcelain") == "")
    #expect(try sandbox.git("for-each-ref", "refs/heads", "refs/tags", "refs/remotes") == "")
    // Running it on a board with tickets keeps them.
    let id = try sandbox.newTicket("Kept")
    try sandbox.ok("init")
    #expect(try sandbox.ok("list").contains(id))
  }

  @Test func newPrintsOnlyTheShortIDAndWorksWithoutInit() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.draft("new", "Fix the login page")
    #expect(result.status == 0)
    #expect(result.stderr == "")
    #expect(result.stdoutLines.count == 1)
    let short = result.stdout.trimmingCharacters(in: .newlines)
    #expect(short.count >= 7)
    #expect(short.allSatisfy { $0.isHexDigit })
    let ticket = try sandbox.show(short)
    #expect(ticket.id.hasPrefix(short))
    #expect(ticket.short_id == short)
    #expect(ticket.title == "Fix the login page")
  }

  @Test func newDefaults() throws {
    let sandbox = try Sandbox()
    let ticket = try sandbox.show(try sandbox.newTicket("Plain"))
    #expect(ticket.state == "proposed")
    #expect(ticket.priority == 2)
    #expect(ticket.body == "")
    #expect(ticket.labels == [])
    #expect(ticket.blocked_by == [] && ticket.blocks == [] && ticket.related == [] && ticket.children == [])
    #expect(ticket.parent == nil)
    #expect(ticket.ready == false)
    #expect(ticket.author == TicketDoc.Person(name: "Test User", email: "test@example.com"))
    #expect(ticket.comments == [])
  }

  @Test func newWithEveryOption() throws {
    let sandbox = try Sandbox()
    let blocker = try sandbox.newTicket("Blocker")
    let parent = try sandbox.newTicket("Epic")
    let id = try sandbox.newTicket(
      "Everything", "-m", "the body\nsecond line", "-p", "critical", "-l", "bug", "-l", "ui", "--blocked-by",
      blocker,
      "--parent", parent, "--state", "planned")
    let ticket = try sandbox.show(id)
    #expect(ticket.title == "Everything")
    #expect(ticket.body == "the body\nsecond line")
    #expect(ticket.priority == 0)
    #expect(Set(ticket.labels) == ["bug", "ui"])
    #expect(ticket.state == "planned")
    #expect(ticket.blocked_by.count == 1 && ticket.blocked_by[0].hasPrefix(blocker))
    #expect(ticket.parent?.hasPrefix(parent) == true)
    #expect(ticket.ready == false, "its blocker is not done")
    // The other ends see the links.
    #expect(try sandbox.show(blocker).blocks == [ticket.id])
    #expect(try sandbox.show(parent).children == [ticket.id])
  }

  @Test func priorityNumbersAndWords() throws {
    let sandbox = try Sandbox()
    let spellings = [
      ("0", 0), ("1", 1), ("2", 2), ("3", 3), ("4", 4),
      ("critical", 0), ("high", 1), ("medium", 2), ("low", 3), ("backlog", 4),
    ]
    for (text, _) in spellings { try sandbox.newTicket("priority \(text)", "-p", text) }
    let tickets = try sandbox.ticketsByTitle()
    for (text, value) in spellings { #expect(tickets["priority \(text)"]?.priority == value, "-p \(text)") }
    let lines = try sandbox.ok("list").split(separator: "\n")
    for (text, value) in spellings {
      #expect(lines.first { $0.hasSuffix("priority \(text)") }?.contains("P\(value)") == true)
    }
    // edit takes the same words.
    let id = try sandbox.newTicket("edited")
    for (text, value) in spellings.suffix(5) {
      try sandbox.ok("edit", id, "-p", text)
      #expect(try sandbox.show(id).priority == value, "edit -p \(text)")
    }
  }

  @Test func newReadsTheBodyFromAFileOrStandardInput() throws {
    let sandbox = try Sandbox()
    let text = "from a file\n\twith a tab\nand a trailing newline\n"
    let path = try sandbox.writeFile("body.txt", Data(text.utf8))
    let fromFile = try sandbox.newTicket("File", "-F", path)
    #expect(Array(try sandbox.show(fromFile).body.utf8) == Array(text.utf8))
    let result = try sandbox.draft("new", "Stdin", "-F", "-", input: Data("piped body".utf8))
    #expect(result.status == 0)
    let fromStdin = result.stdout.trimmingCharacters(in: .newlines)
    #expect(try sandbox.show(fromStdin).body == "piped body")
  }

  @Test func newJSONPrintsTheWholeTicket() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.draft("new", "As JSON", "-m", "b", "-l", "x", "--json")
    #expect(result.status == 0)
    let created = try JSONDecoder().decode(TicketDoc.self, from: result.stdoutBytes)
    var shown = try sandbox.show(created.short_id)
    shown.comments = nil
    shown.history = nil
    #expect(created == shown)
    #expect(created.title == "As JSON" && created.body == "b" && created.labels == ["x"])
  }

  @Test func showTextHasFieldsLinksCommentsAndHistory() throws {
    let sandbox = try Sandbox()
    let blocker = try sandbox.newTicket("The blocker")
    let id = try sandbox.newTicket(
      "Shown ticket", "-m", "line one\nline two", "-p", "high", "-l", "bug", "--blocked-by", blocker)
    try sandbox.ok("comment", id, "-m", "a remark")
    try sandbox.ok("move", id, "planned", "--reason", "because")
    let text = try sandbox.ok("show", id)
    let full = try sandbox.show(id).id
    for expected in [
      full, "Shown ticket", "planned", "high", "bug", "Test User", "test@example.com", "line one", "line two",
      "a remark", blocker, "The blocker", "because",
    ] {
      #expect(text.contains(expected), "show lacks \(expected):\n\(text)")
    }
    // The blocker shows the link from its side.
    let other = try sandbox.ok("show", blocker)
    #expect(other.contains(id) && other.contains("Shown ticket"))
  }

  @Test func editChangesTitleBodyPriorityAndLabels() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Old title", "-m", "old body", "-l", "keep", "-l", "drop")
    try sandbox.ok(
      "edit", id, "--title", "New title", "-m", "new body", "-p", "low", "--add-label", "added",
      "--remove-label", "drop")
    var ticket = try sandbox.show(id)
    #expect(ticket.title == "New title")
    #expect(ticket.body == "new body")
    #expect(ticket.priority == 3)
    #expect(Set(ticket.labels) == ["keep", "added"])
    let actions = ticket.history?.map(\.action) ?? []
    #expect(actions.contains("edited title"))
    #expect(ticket.updated_at >= ticket.created_at)

    let path = try sandbox.writeFile("edit.txt", Data("body from file\n".utf8))
    try sandbox.ok("edit", id, "-F", path)
    #expect(try sandbox.show(id).body == "body from file\n")
    try sandbox.ok("edit", id, "-F", "-", input: Data("body from stdin".utf8))
    ticket = try sandbox.show(id)
    #expect(ticket.body == "body from stdin")
    #expect(ticket.title == "New title", "an edit of the body leaves the title")
  }

  @Test func editThatChangesNothingWritesNothing() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Same", "-p", "1", "-l", "a")
    let before = try sandbox.refSnapshot()
    let result = try sandbox.draft("edit", id, "--title", "Same", "-p", "high", "--add-label", "a")
    #expect(result.status == 0)
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func commentsKeepAuthorTextAndOrder() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Discussed")
    try sandbox.ok("comment", id, "-m", "first")
    let path = try sandbox.writeFile("c.txt", Data("second\nfrom a file".utf8))
    try sandbox.ok("comment", id, "-F", path)
    try sandbox.ok(
      "comment", id, "-F", "-", input: Data("third".utf8),
      environment: ["GIT_AUTHOR_NAME": "Reviewer", "GIT_AUTHOR_EMAIL": "rev@example.org"])
    let ticket = try sandbox.show(id)
    let comments = try #require(ticket.comments)
    #expect(comments.map(\.body) == ["first", "second\nfrom a file", "third"])
    #expect(comments[0].author == TicketDoc.Person(name: "Test User", email: "test@example.com"))
    #expect(comments[2].author == TicketDoc.Person(name: "Reviewer", email: "rev@example.org"))
    #expect(comments.allSatisfy { isRFC3339($0.created_at) })
    let text = try sandbox.ok("show", id)
    #expect(text.contains("Reviewer") && text.contains("from a file") && text.contains("third"))
    // A comment does not touch the ticket's own fields.
    #expect(ticket.title == "Discussed" && ticket.state == "proposed")
  }

  @Test func authorComesFromTheEnvironmentBeforeConfig() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.draft(
      "new", "By env", environment: ["GIT_AUTHOR_NAME": "Env Person", "GIT_AUTHOR_EMAIL": "env@example.net"])
    #expect(result.status == 0)
    let ticket = try sandbox.show(result.stdout.trimmingCharacters(in: .newlines))
    #expect(ticket.author == TicketDoc.Person(name: "Env Person", email: "env@example.net"))
  }

  @Test func logIsTheHistoryNewestFirst() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Logged")
    try sandbox.ok("comment", id, "-m", "hello")
    try sandbox.ok("move", id, "planned", "--reason", "the reason text")
    try sandbox.ok("edit", id, "--title", "Logged again")
    let log = try sandbox.ok("log", id).split(separator: "\n")
    #expect(log.count >= 4)
    #expect(log.first?.contains("edited title") == true, "newest first: \(log)")
    #expect(log.first?.contains("Logged again") == true)
    #expect(log.last?.contains("created") == true, "oldest last: \(log)")
    let moved = try #require(log.first { $0.contains("moved") })
    #expect(moved.contains("proposed") && moved.contains("planned") && moved.contains("the reason text"))
    #expect(log.allSatisfy { $0.contains("Test User") })
    // The same history, oldest first, in show --json.
    let history = try #require(try sandbox.show(id).history)
    #expect(history.first?.action == "created")
    #expect(history.last?.action == "edited title")
  }
}
