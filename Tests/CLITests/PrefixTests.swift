import Foundation
import Testing

/// Short ids shown and id prefixes accepted.
@Suite struct PrefixTests {
  @Test func shortIDsAreUniqueAndAtLeastSevenDigits() throws {
    let sandbox = try Sandbox()
    try sandbox.importLines((0..<300).map { ["title": "bulk \($0)"] })
    let tickets = try sandbox.list()
    #expect(tickets.count == 300)
    #expect(Set(tickets.map(\.short_id)).count == 300)
    #expect(Set(tickets.map(\.id)).count == 300)
    for ticket in tickets {
      #expect(ticket.short_id.count >= 7)
      #expect(ticket.id.hasPrefix(ticket.short_id))
      #expect(isFullID(ticket.id))
    }
    // The text listing shows the same short ids.
    let shown = Set(
      try sandbox.ok("list").split(separator: "\n").map { String($0.prefix { !$0.isWhitespace }) })
    #expect(shown == Set(tickets.map(\.short_id)))
  }

  @Test func anyUniquePrefixOfFourOrMoreWorks() throws {
    let sandbox = try Sandbox()
    let short = try sandbox.newTicket("Findable")
    let full = try sandbox.show(short).id
    for length in [4, 5, 6, 7, 12, 64] {
      let prefix = String(full.prefix(length))
      let ticket = try sandbox.show(prefix)
      #expect(ticket.id == full, "prefix of \(length)")
    }
    // Commands that change the ticket take prefixes too.
    try sandbox.ok("comment", String(full.prefix(4)), "-m", "by prefix")
    try sandbox.ok("move", String(full.prefix(5)), "planned")
    #expect(try sandbox.show(full).state == "planned")
    #expect(try sandbox.ok("log", String(full.prefix(4))).contains("commented"))
  }

  @Test func prefixesShorterThanFourAreRefused() throws {
    let sandbox = try Sandbox()
    let short = try sandbox.newTicket("Short")
    let before = try sandbox.refSnapshot()
    for length in [1, 2, 3] {
      let prefix = String(short.prefix(length))
      expectError(try sandbox.draft("show", prefix), 128, mentioning: ["4"])
      expectError(try sandbox.draft("move", prefix, "planned"), 128)
      expectError(try sandbox.draft("comment", prefix, "-m", "x"), 128)
    }
    expectError(try sandbox.draft("show", "xyz12"), 128)
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func anAmbiguousPrefixListsTheCandidates() throws {
    let sandbox = try Sandbox()
    // Random ids: add tickets until two share their first four digits (about 300 are
    // expected; 2,400 make a miss about as likely as one in 10^19).
    var shared: [TicketDoc] = []
    for round in 0..<6 where shared.isEmpty {
      try sandbox.importLines((0..<400).map { ["title": "t\(round)-\($0)"] })
      let groups = Dictionary(grouping: try sandbox.list(), by: { String($0.id.prefix(4)) })
      shared = groups.values.first { $0.count >= 2 } ?? []
    }
    try #require(shared.count >= 2, "no two tickets share a 4-digit prefix")
    let prefix = String(shared[0].id.prefix(4))
    let before = try sandbox.refSnapshot()
    for arguments in [
      ["show", prefix], ["move", prefix, "planned"], ["comment", prefix, "-m", "x"], ["log", prefix],
    ] {
      let result = try sandbox.draft(arguments: arguments)
      expectError(result, 128, mentioning: ["ambiguous"] + shared.map(\.short_id))
    }
    #expect(try sandbox.refSnapshot() == before)
    // A longer prefix that tells them apart works.
    for ticket in shared {
      #expect(try sandbox.show(ticket.short_id).id == ticket.id)
    }
  }
}
