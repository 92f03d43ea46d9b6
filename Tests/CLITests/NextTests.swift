import Foundation
import Testing

/// `next`: the ready queue, its order, and why nothing is ready.
@Suite struct NextTests {
  /// `next --all --json` titles, in order.
  func queue(_ sandbox: Sandbox, _ extra: String...) throws -> [String] {
    let result = try sandbox.draft(arguments: ["next", "--all", "--json"] + extra)
    if result.status == 1 {
      expectNothingReady(result)
      return []
    }
    #expect(result.status == 0, "next failed: \(result.stderr)")
    return try JSONDecoder().decode([TicketDoc].self, from: result.stdoutBytes).map(\.title)
  }

  /// Exit 1 with one line on stderr saying why; standard output holds no ticket (with --json,
  /// nothing or an empty JSON value).
  func expectNothingReady(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderrLines.count == 1, "got: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(
      result.stderr.contains("nothing is ready"), "got: \(result.stderr)", sourceLocation: sourceLocation)
    let out = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(["", "null", "[]"].contains(out), "got: \(result.stdout)", sourceLocation: sourceLocation)
  }

  @Test func priorityFirstThenOldest() throws {
    let sandbox = try Sandbox()
    try sandbox.importLines([
      ["title": "P2 old", "state": "planned", "priority": 2, "created_at": "2020-01-01T00:00:00Z"],
      ["title": "P1 newer", "state": "planned", "priority": 1, "created_at": "2023-06-01T00:00:00Z"],
      ["title": "P1 older", "state": "planned", "priority": 1, "created_at": "2021-01-01T00:00:00Z"],
      ["title": "P0 newest", "state": "planned", "priority": 0, "created_at": "2024-01-01T00:00:00Z"],
      ["title": "P3 oldest", "state": "planned", "priority": 3, "created_at": "2019-01-01T00:00:00Z"],
      ["title": "P0 but proposed", "state": "proposed", "priority": 0, "created_at": "2018-01-01T00:00:00Z"],
    ])
    let order = ["P0 newest", "P1 older", "P1 newer", "P2 old", "P3 oldest"]
    #expect(try queue(sandbox) == order)

    let first = try sandbox.ok("next")
    #expect(first.split(separator: "\n").count == 1)
    #expect(first.contains("P0 newest"))
    let top = try #require(try sandbox.ticketsByTitle()["P0 newest"])
    #expect(first.contains(top.short_id))

    let all = try sandbox.ok("next", "--all").split(separator: "\n")
    #expect(all.count == order.count)
    for (line, title) in zip(all, order) { #expect(line.contains(title)) }

    let json = try sandbox.draft("next", "--json")
    #expect(json.status == 0)
    let object = try JSONDecoder().decode(TicketDoc.self, from: json.stdoutBytes)
    #expect(object.id == top.id && object.ready)
    // next does not change anything: asking twice gives the same ticket.
    #expect(try sandbox.ok("next") == first)
  }

  @Test func blockedTicketsWaitUntilEveryBlockerIsDone() throws {
    let sandbox = try Sandbox()
    let blocker1 = try sandbox.newTicket("Blocker one", "-p", "4", "--state", "planned")
    let blocker2 = try sandbox.newTicket("Blocker two", "-p", "4")
    try sandbox.newTicket(
      "Urgent work", "-p", "0", "--state", "planned", "--blocked-by", blocker1, "--blocked-by", blocker2)
    #expect(try queue(sandbox) == ["Blocker one"])
    #expect(try sandbox.ok("next").contains("Blocker one"))

    for state in ["executing", "verifying", "done"] { try sandbox.ok("move", blocker1, state) }
    #expect(try queue(sandbox) == [], "one blocker is still open")
    // An abandoned blocker is not done: the work stays blocked.
    try sandbox.ok("move", blocker2, "abandoned")
    #expect(try sandbox.draft("next").status == 1)
    try sandbox.ok("move", blocker2, "planned")
    #expect(try queue(sandbox) == ["Blocker two"])
    for state in ["executing", "verifying", "done"] { try sandbox.ok("move", blocker2, state) }
    #expect(try queue(sandbox) == ["Urgent work"])
    #expect(try sandbox.ok("next").contains("Urgent work"))
  }

  @Test func onlyPlannedTicketsAreReady() throws {
    let sandbox = try Sandbox()
    try sandbox.importLines(allStates.map { ["title": $0, "state": $0] })
    #expect(try queue(sandbox) == ["planned"])
  }

  @Test func labelFiltersTheQueue() throws {
    let sandbox = try Sandbox()
    try sandbox.newTicket("Backend task", "-p", "0", "-l", "backend", "--state", "planned")
    try sandbox.newTicket("Frontend task", "-p", "3", "-l", "frontend", "--state", "planned")
    try sandbox.newTicket("Frontend later", "-p", "4", "-l", "frontend", "--state", "planned")
    #expect(try sandbox.ok("next").contains("Backend task"))
    let front = try sandbox.ok("next", "--label", "frontend")
    #expect(front.contains("Frontend task") && !front.contains("Backend"))
    #expect(try queue(sandbox, "--label", "frontend") == ["Frontend task", "Frontend later"])
  }

  @Test func nothingReadyOnAnEmptyBoard() throws {
    let sandbox = try Sandbox()
    for arguments in [["next"], ["next", "--all"], ["next", "--json"], ["next", "--all", "--json"]] {
      let result = try sandbox.draft(arguments: arguments)
      expectNothingReady(result)
      if !arguments.contains("--json") { #expect(result.stdout == "") }
    }
  }

  @Test func nothingReadyWhenOnlyProposedSaysSo() throws {
    let sandbox = try Sandbox()
    try sandbox.newTicket("Idea one")
    try sandbox.newTicket("Idea two")
    let result = try sandbox.draft("next")
    expectNothingReady(result)
    #expect(result.stdout == "")
    #expect(result.stderr.contains("no planned tickets"), "got: \(result.stderr)")
    #expect(result.stderr.contains("2 proposed"), "got: \(result.stderr)")
  }

  @Test func nothingReadyWhenAllBlockedNamesTheBlocker() throws {
    let sandbox = try Sandbox()
    let blocker = try sandbox.newTicket("The blocker")
    for title in ["one", "two", "three"] {
      try sandbox.newTicket(title, "--state", "planned", "--blocked-by", blocker)
    }
    let before = try sandbox.refSnapshot()
    for arguments in [["next"], ["next", "--all"], ["next", "--json"]] {
      let result = try sandbox.draft(arguments: arguments)
      expectNothingReady(result)
      #expect(result.stderr.contains("3 planned tickets"), "got: \(result.stderr)")
      #expect(result.stderr.contains("blocked by \(blocker)"), "got: \(result.stderr)")
    }
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func nothingReadyForALabelNamesTheLabel() throws {
    let sandbox = try Sandbox()
    try sandbox.newTicket("Ready", "--state", "planned", "-l", "here")
    let result = try sandbox.draft("next", "--label", "elsewhere")
    expectNothingReady(result)
    #expect(result.stdout == "")
    #expect(result.stderr.contains("elsewhere"), "got: \(result.stderr)")
  }
}
