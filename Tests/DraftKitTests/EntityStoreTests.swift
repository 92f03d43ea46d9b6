import DraftKit
import Foundation
import GitKit
import Testing

@Suite struct EntityStoreTests {
  @Test func idIsTheHashOfTheFirstPack() throws {
    let repo = try TestRepository()
    let id = try repo.create("Hash me")
    let tip = try repo.git("rev-parse", "refs/draft/tickets/\(id)")
    let pack = try repo.git("cat-file", "blob", "\(tip):ops.json")
    #expect(SHA256.hex(of: Array(pack.utf8)) == id)
    #expect(try repo.git("cat-file", "blob", "\(tip):version") == "1")
  }

  @Test func sameTitleTwiceGivesTwoTickets() throws {
    let repo = try TestRepository()
    let first = try repo.create("Same")
    let second = try repo.create("Same")
    #expect(first != second)
    #expect(try repo.draft.board().tickets.count == 2)
  }

  /// Eight writers on one ticket at once, each with its own repository handle: every comment
  /// lands (compare-and-swap with retry), and history stays one valid chain.
  @Test func concurrentWritersLoseNothing() async throws {
    let repo = try TestRepository()
    let id = try repo.create("Contended")
    let path = repo.path
    try await withThrowingTaskGroup(of: Void.self) { group in
      for writer in 0..<8 {
        group.addTask {
          let draft = try Draft(at: path)
          for n in 0..<25 { try draft.comment(id, "writer \(writer) comment \(n)") }
        }
      }
      try await group.waitForAll()
    }
    let detail = try repo.draft.detail(id: id)
    #expect(detail.comments.count == 200)
    #expect(Set(detail.comments.map(\.body)).count == 200)
    try repo.git("fsck", "--no-progress")
  }

  @Test func mergeOfDivergentTipsConverges() throws {
    let a = try TestRepository(name: "a")
    let b = try TestRepository(name: "b")
    let id = try a.create("Shared", state: .planned)
    try exchange(from: a, to: b, id: id)

    try a.draft.comment(id, "from a")
    try a.draft.edit(id, edit(title: "Title from a"))
    try b.draft.comment(id, "from b")
    var labels = TicketEdit()
    labels.addLabels = ["b-label"]
    try b.draft.edit(id, labels)

    try exchange(from: a, to: b, id: id)
    try exchange(from: b, to: a, id: id)
    #expect(try fingerprint(a.draft, id) == fingerprint(b.draft, id))
    let detail = try a.draft.detail(id: id)
    #expect(Set(detail.comments.map(\.body)) == ["from a", "from b"])
    #expect(detail.ticket.title == "Title from a")
    #expect(detail.ticket.labels == ["b-label"])
    try a.git("fsck", "--no-progress")
  }

  @Test func concurrentMovesPickOneAndMarkTheOtherAsConflict() throws {
    let a = try TestRepository(name: "a")
    let b = try TestRepository(name: "b")
    let id = try a.create("Contested", state: .planned)
    try exchange(from: a, to: b, id: id)
    try a.draft.move(id, to: .executing)
    try b.draft.move(id, to: .abandoned)
    try exchange(from: a, to: b, id: id)
    try exchange(from: b, to: a, id: id)

    let fromA = try a.draft.detail(id: id)
    let fromB = try b.draft.detail(id: id)
    #expect(fromA.ticket.state == fromB.ticket.state)
    #expect([.executing, .abandoned].contains(fromA.ticket.state))
    let conflicts = fromA.history.filter { $0.conflict != nil }
    #expect(conflicts.count == 1)
    #expect(conflicts.first?.action == "moved")
    #expect(fromA.history.count == fromB.history.count)
    #expect(try fingerprint(a.draft, id) == fingerprint(b.draft, id))
  }

  @Test func mergeRefusesAnotherEntityHistory() throws {
    let a = try TestRepository(name: "a")
    let id = try a.create("Real")
    let other = try a.create("Imposter")
    let imposterTip = try ObjectID(hex: a.git("rev-parse", "refs/draft/tickets/\(other)"))!
    let store = EntityStore(repository: a.draft.repository, kind: "tickets")
    let before = try a.git("rev-parse", "refs/draft/tickets/\(id)")
    #expect(throws: DraftError.self) {
      try store.merge(id: id, other: imposterTip, author: Person(name: "x", email: "x@y"))
    }
    #expect(try a.git("rev-parse", "refs/draft/tickets/\(id)") == before)
  }

  private func edit(title: String) -> TicketEdit {
    var edit = TicketEdit()
    edit.title = title
    return edit
  }

  /// Brings `id` from one clone to another as sync will: fetch into a side ref, then merge.
  private func exchange(from source: TestRepository, to target: TestRepository, id: String) throws {
    try target.git("fetch", "-q", source.path, "+refs/draft/tickets/\(id):refs/incoming/\(id)")
    let tip = try ObjectID(hex: target.git("rev-parse", "refs/incoming/\(id)"))!
    let store = EntityStore(repository: target.draft.repository, kind: "tickets")
    try store.merge(id: id, other: tip, author: try target.draft.author())
  }
}
