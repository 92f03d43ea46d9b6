import Foundation
import Testing

/// `link`, `unlink`, and the cycles they refuse.
@Suite struct LinkTests {
  @Test func blocksAndBlockedByAreTwoViewsOfOneLink() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let b = try sandbox.newTicket("B")
    let c = try sandbox.newTicket("C")
    let linked = try sandbox.ok("link", a, "--blocks", b)
    #expect(linked.contains(a) && linked.contains(b))
    try sandbox.ok("link", c, "--blocked-by", a)
    let ta = try sandbox.show(a)
    #expect(Set(ta.blocks) == [try sandbox.show(b).id, try sandbox.show(c).id])
    #expect(try sandbox.show(b).blocked_by == [ta.id])
    #expect(try sandbox.show(c).blocked_by == [ta.id])
    let textA = try sandbox.ok("show", a)
    #expect(textA.contains("Blocks") && textA.contains(b) && textA.contains(c))
    let textB = try sandbox.ok("show", b)
    #expect(textB.contains("Blocked by") && textB.contains(a) && textB.contains("A"))

    // Unlinking from either end removes the link for both.
    try sandbox.ok("unlink", b, "--blocked-by", a)
    try sandbox.ok("unlink", a, "--blocks", c)
    #expect(try sandbox.show(a).blocks == [])
    #expect(try sandbox.show(b).blocked_by == [])
    #expect(try sandbox.show(c).blocked_by == [])
    #expect(!(try sandbox.ok("show", a)).contains("Blocks"))
  }

  @Test func parentAndChildren() throws {
    let sandbox = try Sandbox()
    let epic = try sandbox.newTicket("Epic")
    let other = try sandbox.newTicket("Other epic")
    let child = try sandbox.newTicket("Child")
    try sandbox.ok("link", child, "--parent", epic)
    let epicID = try sandbox.show(epic).id
    #expect(try sandbox.show(child).parent == epicID)
    #expect(try sandbox.show(epic).children == [try sandbox.show(child).id])
    let text = try sandbox.ok("show", epic)
    #expect(text.contains("Children") && text.contains(child))
    #expect(try sandbox.ok("show", child).contains("Parent"))
    // A ticket has one parent: a new one replaces the old.
    try sandbox.ok("link", child, "--parent", other)
    #expect(try sandbox.show(child).parent == (try sandbox.show(other).id))
    #expect(try sandbox.show(epic).children == [])
    try sandbox.ok("unlink", child, "--parent", other)
    #expect(try sandbox.show(child).parent == nil)
    #expect(try sandbox.show(other).children == [])
  }

  @Test func relatedIsSymmetric() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let b = try sandbox.newTicket("B")
    try sandbox.ok("link", a, "--related", b)
    let ida = try sandbox.show(a).id
    let idb = try sandbox.show(b).id
    #expect(try sandbox.show(a).related == [idb])
    #expect(try sandbox.show(b).related == [ida])
    #expect(try sandbox.ok("show", b).contains("Related"))
    // Linking again from the other side changes nothing.
    let before = try sandbox.refSnapshot()
    #expect(try sandbox.draft("link", b, "--related", a).status == 0)
    #expect(try sandbox.refSnapshot() == before)
    try sandbox.ok("unlink", b, "--related", a)
    #expect(try sandbox.show(a).related == [])
    #expect(try sandbox.show(b).related == [])
  }

  @Test func linkingTwiceWritesNothing() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let b = try sandbox.newTicket("B")
    try sandbox.ok("link", a, "--blocks", b)
    let before = try sandbox.refSnapshot()
    let again = try sandbox.draft("link", a, "--blocks", b)
    #expect(again.status == 0)
    let reverse = try sandbox.draft("link", b, "--blocked-by", a)
    #expect(reverse.status == 0)
    #expect(try sandbox.refSnapshot() == before)
    #expect(try sandbox.show(a).blocks.count == 1)
  }

  @Test func unlinkingWhatIsNotLinkedIsAnError() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let b = try sandbox.newTicket("B")
    let before = try sandbox.refSnapshot()
    for relation in ["--blocks", "--blocked-by", "--parent", "--related"] {
      expectError(try sandbox.draft("unlink", a, relation, b), 128, mentioning: [a])
    }
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test(arguments: ["--blocks", "--blocked-by", "--parent", "--related"])
  func selfLinksAreRefused(relation: String) throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let before = try sandbox.refSnapshot()
    expectError(try sandbox.draft("link", a, relation, String(a.prefix(5))), 128, mentioning: ["itself"])
    #expect(try sandbox.refSnapshot() == before)
    let ticket = try sandbox.show(a)
    #expect(
      ticket.blocks.isEmpty && ticket.blocked_by.isEmpty && ticket.parent == nil && ticket.related.isEmpty)
  }

  @Test func directBlockingCycleIsRefusedAndNamed() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let b = try sandbox.newTicket("B")
    try sandbox.ok("link", a, "--blocks", b)
    let before = try sandbox.refSnapshot()
    expectError(try sandbox.draft("link", b, "--blocks", a), 128, mentioning: ["cycle", a, b])
    expectError(try sandbox.draft("link", a, "--blocked-by", b), 128, mentioning: ["cycle", a, b])
    #expect(try sandbox.refSnapshot() == before)
    #expect(try sandbox.show(a).blocked_by == [])
  }

  @Test func threeTicketBlockingCycleIsRefusedAndNamed() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let b = try sandbox.newTicket("B")
    let c = try sandbox.newTicket("C")
    try sandbox.ok("link", a, "--blocks", b)
    try sandbox.ok("link", b, "--blocks", c)
    let before = try sandbox.refSnapshot()
    expectError(try sandbox.draft("link", c, "--blocks", a), 128, mentioning: ["cycle", a, b, c])
    expectError(try sandbox.draft("link", a, "--blocked-by", c), 128, mentioning: ["cycle", a, b, c])
    #expect(try sandbox.refSnapshot() == before)
    // A link that closes no cycle is still fine.
    try sandbox.ok("link", a, "--blocks", c)
  }

  @Test func parentCyclesAreRefusedAndNamed() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let b = try sandbox.newTicket("B")
    let c = try sandbox.newTicket("C")
    try sandbox.ok("link", a, "--parent", b)
    let before = try sandbox.refSnapshot()
    expectError(try sandbox.draft("link", b, "--parent", a), 128, mentioning: ["cycle", a, b])
    #expect(try sandbox.refSnapshot() == before)
    try sandbox.ok("link", b, "--parent", c)
    let before3 = try sandbox.refSnapshot()
    expectError(try sandbox.draft("link", c, "--parent", a), 128, mentioning: ["cycle", a, b, c])
    #expect(try sandbox.refSnapshot() == before3)
    #expect(try sandbox.show(c).parent == nil)
  }

  @Test func linkToAMissingTicketIsAnError() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let before = try sandbox.refSnapshot()
    let missing = a.hasPrefix("0000") ? "ffff0000" : "0000ffff"
    expectError(try sandbox.draft("link", a, "--blocks", missing), 128, mentioning: [missing])
    expectError(try sandbox.draft("new", "B", "--blocked-by", missing), 128, mentioning: [missing])
    expectError(try sandbox.draft("new", "C", "--parent", missing), 128, mentioning: [missing])
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func exactlyOneRelationIsRequired() throws {
    let sandbox = try Sandbox()
    let a = try sandbox.newTicket("A")
    let b = try sandbox.newTicket("B")
    let before = try sandbox.refSnapshot()
    expectError(try sandbox.draft("link", a), 129)
    expectError(try sandbox.draft("link", a, "--blocks", b, "--related", b), 129)
    expectError(try sandbox.draft("unlink", a), 129)
    #expect(try sandbox.refSnapshot() == before)
  }
}
