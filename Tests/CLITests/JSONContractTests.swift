import Foundation
import Testing

/// The `--json` contract scripts rely on: keys, types, nulls and links seen from both ends.
@Suite struct JSONContractTests {
  static let ticketKeys = [
    "id", "short_id", "title", "body", "state", "priority", "labels", "blocked_by", "blocks", "parent",
    "children",
    "related", "claimed_by", "ready", "author", "created_at", "updated_at",
  ]

  /// Checks one ticket object's keys and value types as JSONSerialization sees them.
  func checkObject(_ object: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
    for key in Self.ticketKeys {
      #expect(object.keys.contains(key), "missing key \(key)", sourceLocation: sourceLocation)
    }
    #expect(
      object["claimed_by"] is NSNull, "claimed_by must be null when unclaimed", sourceLocation: sourceLocation
    )
    let id = object["id"] as? String ?? ""
    let short = object["short_id"] as? String ?? ""
    #expect(isFullID(id), "id \(id)", sourceLocation: sourceLocation)
    #expect(short.count >= 7 && id.hasPrefix(short), sourceLocation: sourceLocation)
    for key in ["labels", "blocked_by", "blocks", "children", "related"] {
      #expect(object[key] is [Any], "\(key) must be an array", sourceLocation: sourceLocation)
    }
    #expect(object["parent"] is NSNull || object["parent"] is String, sourceLocation: sourceLocation)
    let author = object["author"] as? [String: Any]
    #expect(author?["name"] is String && author?["email"] is String, sourceLocation: sourceLocation)
    #expect(isRFC3339(object["created_at"] as? String ?? ""), sourceLocation: sourceLocation)
    #expect(isRFC3339(object["updated_at"] as? String ?? ""), sourceLocation: sourceLocation)
  }

  @Test func everyKeyIsPresentWithItsType() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Contract", "-m", "body", "-l", "a", "-p", "3", "--state", "planned")

    let shown = try sandbox.draft("show", id, "--json")
    let object = try #require(try JSONSerialization.jsonObject(with: shown.stdoutBytes) as? [String: Any])
    checkObject(object)
    #expect(object["parent"] is NSNull)
    #expect(object["comments"] is [Any])
    #expect(object["history"] is [Any])

    let listed = try sandbox.draft("list", "--json")
    let array = try #require(try JSONSerialization.jsonObject(with: listed.stdoutBytes) as? [[String: Any]])
    #expect(array.count == 1)
    array.forEach { checkObject($0) }

    let created = try sandbox.draft("new", "Another", "--json")
    checkObject(try #require(try JSONSerialization.jsonObject(with: created.stdoutBytes) as? [String: Any]))

    // Strict decoding: priority is an integer, ready a boolean, the rest strings and arrays.
    let ticket = try sandbox.show(id)
    #expect(ticket.priority == 3)
    #expect(ticket.ready == true)
    #expect(ticket.state == "planned")
    #expect(ticket.labels == ["a"])
    #expect(ticket.body == "body")
  }

  @Test func emptyListIsAnEmptyArray() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.draft("list", "--json")
    #expect(result.status == 0)
    let array = try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [Any]
    #expect(array?.isEmpty == true)
  }

  @Test func linksAppearFromBothEndsAsFullIDs() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let b = try sandbox.newTicket("B", "--blocked-by", a)
    let c = try sandbox.newTicket("C", "--parent", a)
    let d = try sandbox.newTicket("D")
    try sandbox.ok("link", d, "--related", a)
    let ta = try sandbox.show(a)
    let tb = try sandbox.show(b)
    let tc = try sandbox.show(c)
    let td = try sandbox.show(d)
    #expect(ta.blocks == [tb.id])
    #expect(tb.blocked_by == [ta.id])
    #expect(ta.children == [tc.id])
    #expect(tc.parent == ta.id)
    #expect(ta.related == [td.id])
    #expect(td.related == [ta.id])
    #expect(
      ([ta, tb, tc, td].flatMap { $0.blocks + $0.blocked_by + $0.children + $0.related }).allSatisfy(isFullID)
    )
    // list --json carries the same links.
    let listed = try sandbox.ticketsByTitle()
    #expect(listed["A"]?.blocks == [tb.id] && listed["B"]?.blocked_by == [ta.id])
    #expect(listed["A"]?.children == [tc.id] && listed["D"]?.related == [ta.id])
  }

  @Test func readyFollowsStateAndBlockers() throws {
    let sandbox = try Sandbox()
    let blocker = try sandbox.newTicket("Blocker", "--state", "planned")
    let waiting = try sandbox.newTicket("Waiting", "--state", "planned", "--blocked-by", blocker)
    let proposed = try sandbox.newTicket("Proposed")
    #expect(try sandbox.show(blocker).ready == true)
    #expect(try sandbox.show(waiting).ready == false)
    #expect(try sandbox.show(proposed).ready == false)
  }

  @Test func showAddsCommentsAndHistory() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("History")
    try sandbox.ok("comment", id, "-m", "note one")
    try sandbox.ok("move", id, "planned", "--reason", "why not")
    try sandbox.ok("move", id, "executing")
    let ticket = try sandbox.show(id)
    let comments = try #require(ticket.comments)
    #expect(comments.count == 1)
    #expect(comments[0].body == "note one")
    #expect(comments[0].author.name == "Test User" && comments[0].author.email == "test@example.com")
    #expect(isRFC3339(comments[0].created_at))
    let history = try #require(ticket.history)
    #expect(history.allSatisfy { isRFC3339($0.at) && $0.author.name == "Test User" && !$0.action.isEmpty })
    #expect(history.first?.action == "created")
    let moves = history.filter { $0.action == "moved" }
    #expect(moves.map(\.from) == ["proposed", "planned"])
    #expect(moves.map(\.to) == ["planned", "executing"])
    #expect(moves.first?.detail == "why not")
    // list --json keeps to the ticket fields.
    let listed = try sandbox.draft("list", "--json")
    let array = try JSONSerialization.jsonObject(with: listed.stdoutBytes) as? [[String: Any]] ?? []
    #expect(array.first?["id"] as? String == ticket.id)
  }
}
