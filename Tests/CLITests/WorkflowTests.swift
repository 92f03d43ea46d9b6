import Foundation
import Testing

/// `move` and the full transition table.
@Suite struct WorkflowTests {
  @Test func everyAllowedMoveSucceeds() throws {
    let sandbox = try Sandbox()
    // One ticket per allowed move, titled "from>to", starting in its from-state.
    var lines: [[String: Any]] = []
    for from in allStates {
      for to in allowedMoves[from]! { lines.append(["title": "\(from)>\(to)", "state": from]) }
    }
    try sandbox.importLines(lines)
    let tickets = try sandbox.ticketsByTitle()
    #expect(tickets.count == 23)
    for (title, ticket) in tickets {
      let parts = title.split(separator: ">").map(String.init)
      #expect(ticket.state == parts[0])
      let result = try sandbox.draft("move", ticket.short_id, parts[1])
      #expect(result.status == 0, "\(parts[0]) → \(parts[1]) refused: \(result.stderr)")
      #expect(result.stderr == "")
      #expect(result.stdout.contains(parts[1]), "move should say where the ticket went: \(result.stdout)")
    }
    for (title, ticket) in try sandbox.ticketsByTitle() {
      let parts = title.split(separator: ">").map(String.init)
      #expect(ticket.state == parts[1], "\(title) ended in \(ticket.state)")
    }
  }

  @Test func everyDisallowedMoveFailsAndChangesNothing() throws {
    let sandbox = try Sandbox()
    try sandbox.importLines(allStates.map { ["title": "in \($0)", "state": $0] })
    let tickets = try sandbox.ticketsByTitle()
    let before = try sandbox.refSnapshot()
    var refused = 0
    for from in allStates {
      let ticket = try #require(tickets["in \(from)"])
      let allowed = Set(allowedMoves[from]!)
      for to in allStates where to != from && !allowed.contains(to) {
        let result = try sandbox.draft("move", ticket.short_id, to)
        expectError(result, 128, mentioning: Array(allowed))
        // The list after the last colon names exactly the allowed targets.
        let tail = result.stderr.split(separator: ":").last.map(String.init) ?? ""
        let named = Set(
          tail.split(whereSeparator: { !$0.isLetter && $0 != "_" }).map(String.init).filter(
            allStates.contains))
        #expect(named == allowed, "\(from) → \(to): \(result.stderr)")
        refused += 1
      }
    }
    #expect(refused == 33)
    #expect(try sandbox.refSnapshot() == before)
    for (title, ticket) in try sandbox.ticketsByTitle() { #expect("in \(ticket.state)" == title) }
  }

  @Test func movingToTheCurrentStateChangesNothing() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Stay", "--state", "planned")
    let before = try sandbox.refSnapshot()
    let result = try sandbox.draft("move", id, "planned")
    #expect(result.status == 0)
    #expect(try sandbox.refSnapshot() == before)
    #expect(try sandbox.show(id).state == "planned")
  }

  @Test func aTicketsWholeLifeThroughMoves() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Lifecycle")
    let path = [
      ("planned", "triaged"), ("executing", "agent started"), ("verifying", "tests running"),
      ("executing", "tests failed"), ("verifying", "second try"), ("done", "merged"),
      ("executing", "regression"),
      ("needs_human", "stuck"), ("abandoned", "not worth it"), ("planned", "revived"),
    ]
    var from = "proposed"
    for (to, reason) in path {
      let result = try sandbox.draft("move", id, to, "--reason", reason)
      #expect(result.status == 0, "\(from) → \(to): \(result.stderr)")
      from = to
    }
    let ticket = try sandbox.show(id)
    #expect(ticket.state == "planned")
    let moves = (ticket.history ?? []).filter { $0.action == "moved" }
    #expect(moves.compactMap(\.to) == path.map(\.0))
    #expect(moves.compactMap(\.from) == ["proposed"] + path.dropLast().map(\.0))
    // log shows the reasons, newest first.
    let log = try sandbox.ok("log", id)
    let revived = try #require(log.range(of: "revived"))
    let triaged = try #require(log.range(of: "triaged"))
    #expect(revived.lowerBound < triaged.lowerBound)
    for (_, reason) in path { #expect(log.contains(reason)) }
    // Done tickets leave the default list and come back with --all.
    try sandbox.ok("move", id, "executing")
    try sandbox.ok("move", id, "verifying")
    try sandbox.ok("move", id, "done")
    #expect(!(try sandbox.ok("list")).contains(id))
    #expect(try sandbox.ok("list", "--all").contains(id))
  }

  @Test func newStartsProposedOrPlannedOnly() throws {
    let sandbox = try Sandbox()
    #expect(try sandbox.show(try sandbox.newTicket("a", "--state", "proposed")).state == "proposed")
    #expect(try sandbox.show(try sandbox.newTicket("b", "--state", "planned")).state == "planned")
    let before = try sandbox.refSnapshot()
    for state in ["executing", "verifying", "needs_human", "blocked", "done", "abandoned"] {
      let result = try sandbox.draft("new", "c", "--state", state)
      expectError(result, 129, mentioning: [state, "proposed", "planned"])
    }
    #expect(try sandbox.refSnapshot() == before)
  }
}
