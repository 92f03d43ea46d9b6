import DraftKit
import Foundation
import Testing

@Suite struct BoardTests {
  @Test func focusedBoardDerivesTheSameLinksAsTheWholeBoard() throws {
    let repo = try TestRepository()
    let a = try repo.create("A")
    let b = try repo.create("B")
    let c = try repo.create("C")
    let d = try repo.create("D")
    _ = try repo.create("Unrelated")
    try repo.draft.link(b, .blockedBy, a)
    try repo.draft.link(c, .parent, a)
    try repo.draft.link(d, .related, a)
    try repo.draft.link(a, .blockedBy, d)

    let whole = try repo.draft.board()
    let (focused, ticket) = try repo.draft.board(around: String(a.prefix(6)))
    #expect(ticket.id == a)
    #expect(focused.blocks(a) == [b])
    #expect(focused.children(of: a) == [c])
    #expect(focused.related(ticket) == [d])
    #expect(focused.isReady(ticket) == false)
    #expect(
      TicketJSON.object(ticket, board: focused).serialized()
        == TicketJSON.object(ticket, board: whole).serialized())
    #expect(focused.tickets.count < whole.tickets.count)
  }

  @Test func shortIDsAreUniqueAndAtLeastSeven() throws {
    let repo = try TestRepository()
    let lines = (0..<400).map { #"{"title":"T\#($0)"}"# }.joined(separator: "\n")
    _ = try repo.draft.importTickets(Array(lines.utf8))
    let board = try repo.draft.board()
    let shorts = board.tickets.map { board.shortID($0.id) }
    #expect(Set(shorts).count == 400)
    #expect(shorts.allSatisfy { $0.count >= 7 })
    for ticket in board.tickets { #expect(try board.resolve(board.shortID(ticket.id)).id == ticket.id) }
    // With 400 ids some 4-digit prefixes are shared: those are ambiguous and say so.
    var byPrefix: [Substring: Int] = [:]
    for ticket in board.tickets { byPrefix[ticket.id.prefix(4), default: 0] += 1 }
    if let shared = byPrefix.first(where: { $0.value > 1 })?.key {
      let error = try #require(throws: DraftError.self) { try board.resolve(String(shared)) }
      #expect(error.kind == .ambiguous)
    }
    #expect(throws: DraftError.self) { try board.resolve("abc") }
    #expect(throws: DraftError.self) { try board.resolve("xyz1") }
  }

  @Test func queryTerms() throws {
    let repo = try TestRepository()
    let bug = try repo.create("Crash on start", priority: 0, labels: ["bug", "ui"])
    let feature = try repo.create("Add export", state: .proposed, priority: 3, labels: ["feature"])
    let done = try repo.create("Old work", state: .planned)
    try repo.draft.move(done, to: .executing)
    try repo.draft.move(done, to: .verifying)
    try repo.draft.move(done, to: .done)

    func ids(_ terms: String..., all: Bool = false) throws -> [String] {
      try repo.draft.list(TicketQuery(parsing: terms, includeClosed: all)).tickets.map(\.id)
    }
    #expect(try ids() == [bug, feature])
    #expect(try ids(all: true).count == 3)
    #expect(try ids("state:done") == [done])
    #expect(try ids("label:bug", "label:ui") == [bug])
    #expect(try ids("label:bug", "label:feature").isEmpty)
    #expect(try ids("priority:critical") == [bug])
    #expect(try ids("CRASH") == [bug])
    #expect(try ids("is:ready") == [bug])
    #expect(try ids("author:test@example") == [bug, feature])
    #expect(try ids("state:planned", "state:proposed", "sort:priority") == [bug, feature])
    #expect(throws: DraftError.self) { try ids("sort:random") }
    #expect(throws: DraftError.self) { try ids("state:nope") }
  }

  @Test func importResolvesKeysAndExportRoundTrips() throws {
    let source = try TestRepository(name: "source")
    let input = """
      {"key":"child","title":"Child","parent":"root","blocked_by":["dep"],"related":["root"]}
      {"key":"root","title":"Root","state":"planned","priority":"high","labels":["x"],"comments":[{"author":{"name":"Ann","email":"ann@x"},"body":"hi","created_at":"2026-01-02T03:04:05Z"}]}
      {"key":"dep","title":"Dependency","state":"done","related":["child"]}
      """
    let summary = try source.draft.importTickets(Array(input.utf8))
    #expect(summary.ids.count == 3)
    let board = try source.draft.board()
    let child = try #require(board.ticket(summary.ids[0]))
    #expect(child.parent == summary.ids[1])
    #expect(child.blockedBy == [summary.ids[2]])
    #expect(board.related(child) == [summary.ids[1], summary.ids[2]].sorted())
    let root = try source.draft.detail(id: summary.ids[1])
    #expect(root.ticket.priority == 1)
    #expect(root.comments.first?.author.name == "Ann")
    #expect(root.comments.first.map { RFC3339.format($0.createdAt) } == "2026-01-02T03:04:05Z")

    let copy = try TestRepository(name: "copy")
    let exported = try source.draft.exportTickets().joined(separator: "\n")
    _ = try copy.draft.importTickets(Array(exported.utf8))
    #expect(try normalized(source) == normalized(copy))
  }

  @Test func badImportLineWritesNothing() throws {
    let repo = try TestRepository()
    let input = "{\"title\":\"fine\"}\n{\"title\":\"bad\",\"state\":\"nowhere\"}\n"
    let error = try #require(throws: DraftError.self) { try repo.draft.importTickets(Array(input.utf8)) }
    #expect(error.message.hasPrefix("line 2:"))
    #expect(try repo.git("for-each-ref", "refs/draft/").isEmpty)
    let cycle =
      "{\"key\":\"a\",\"title\":\"a\",\"blocked_by\":[\"b\"]}\n{\"key\":\"b\",\"title\":\"b\",\"blocked_by\":[\"a\"]}\n"
    #expect(throws: DraftError.self) { try repo.draft.importTickets(Array(cycle.utf8)) }
    #expect(try repo.git("for-each-ref", "refs/draft/").isEmpty)
  }

  /// The board as text with ids replaced by titles, for comparing two repositories.
  private func normalized(_ repo: TestRepository) throws -> [String] {
    let board = try repo.draft.board()
    func title(_ id: String) -> String { board.ticket(id)?.title ?? id }
    return try board.tickets.map { ticket in
      let detail = try repo.draft.detail(id: ticket.id)
      return [
        ticket.title, ticket.body, ticket.state.rawValue, String(ticket.priority),
        ticket.labels.joined(separator: ","),
        ticket.blockedBy.map(title).sorted().joined(separator: ","), ticket.parent.map(title) ?? "-",
        board.related(ticket).map(title).sorted().joined(separator: ","),
        RFC3339.format(ticket.createdAt), ticket.author.display,
        detail.comments.map { "\($0.author.display) \($0.createdAt) \($0.body)" }.joined(separator: "|"),
      ].joined(separator: " / ")
    }.sorted()
  }
}

@Suite struct ExportHistoryTests {
  @Test func exportedHistoryKeepsIdsAndIsImportedOnce() throws {
    let source = try TestRepository(name: "source")
    let id = try source.create("Has a past", state: .planned)
    try source.draft.move(id, to: .executing, reason: "picked up")
    let exported = try source.draft.exportTickets().joined(separator: "\n")

    let copy = try TestRepository(name: "copy")
    let first = try copy.draft.importTickets(Array(exported.utf8))
    #expect(first.ids == [id])
    #expect(try fingerprint(copy.draft, id) == fingerprint(source.draft, id))
    let again = try copy.draft.importTickets(Array(exported.utf8))
    #expect(again.ids.isEmpty)
    #expect(again.alreadyPresent == 1)
  }

  @Test func anEditedHistoryIsRefused() throws {
    let source = try TestRepository(name: "source")
    _ = try source.create("Original title")
    let exported = try source.draft.exportTickets().joined(separator: "\n")
    let forged = exported.replacingOccurrences(
      of: "\"title\":\"Original title\",\"type\":\"create\"", with: "\"title\":\"Forged\",\"type\":\"create\""
    )
    #expect(forged != exported)
    let copy = try TestRepository(name: "copy")
    let error = try #require(throws: DraftError.self) { try copy.draft.importTickets(Array(forged.utf8)) }
    #expect(error.message.contains("do not hash to its id"))
    #expect(try copy.git("for-each-ref", "refs/draft/").isEmpty)
  }
}

@Suite struct SelectiveLoadTests {
  /// `board` and `next` decode only what they show; what they show must not change for it.
  @Test func selectiveLoadsAgreeWithTheWholeBoard() throws {
    let repo = try TestRepository()
    var ids: [String] = []
    for n in 0..<30 {
      ids.append(try repo.create("T\(n)", state: n % 3 == 0 ? .proposed : .planned, priority: n % 5))
    }
    for n in stride(from: 1, to: 30, by: 4) { try repo.draft.link(ids[n], .blockedBy, ids[n - 1]) }
    try repo.draft.move(ids[2], to: .executing)
    try repo.draft.move(ids[2], to: .verifying)
    try repo.draft.move(ids[2], to: .done)

    let whole = try repo.draft.board()
    let view = BoardView(
      states: WorkflowState.allCases, width: 140, limit: 3, palette: Palette(enabled: false))
    let selective = try repo.draft.board(selecting: view.cards)
    #expect(selective.tickets.count < whole.tickets.count)
    #expect(view.render(selective) == view.render(whole))

    guard case .ready(let quick) = try repo.draft.next().result,
      case .ready(let complete) = try repo.draft.next(complete: true).result
    else {
      Issue.record("expected ready tickets")
      return
    }
    #expect(quick.map(\.id) == complete.map(\.id))
    #expect(!quick.contains { $0.blockedBy.contains(ids[0]) })
  }
}
