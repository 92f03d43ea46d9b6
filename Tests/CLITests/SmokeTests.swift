import Foundation
import Testing

@Suite struct SmokeTests {
  @Test func newThenListShowsTheTicket() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Hello world", "-p", "high")
    let list = try sandbox.draft("list")
    #expect(list.status == 0)
    #expect(list.stdout.contains(id))
    #expect(list.stdout.contains("Hello world"))
    #expect(list.stdout.contains("P1"))
  }
}
