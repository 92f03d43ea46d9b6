import DraftKit
import Testing

@Suite struct WorkflowTests {
  static let table: [WorkflowState: Set<WorkflowState>] = [
    .proposed: [.planned, .abandoned],
    .planned: [.proposed, .executing, .blocked, .abandoned],
    .executing: [.verifying, .needsHuman, .blocked],
    .verifying: [.executing, .needsHuman, .blocked, .done],
    .needsHuman: [.executing, .planned, .blocked, .done, .abandoned],
    .blocked: [.planned, .executing, .abandoned],
    .done: [.executing],
    .abandoned: [.planned],
  ]

  @Test func transitionTableMatchesTheWorkflow() {
    for from in WorkflowState.allCases {
      for to in WorkflowState.allCases {
        #expect(from.canMove(to: to) == Self.table[from]!.contains(to), "\(from) → \(to)")
      }
    }
  }

  @Test func refusedMoveNamesTheAllowedOnesAndWritesNothing() throws {
    let repo = try TestRepository()
    let id = try repo.create("A", state: .proposed)
    let before = try repo.git("rev-parse", "refs/draft/tickets/\(id)")
    let error = try #require(throws: DraftError.self) { try repo.draft.move(id, to: .done) }
    #expect(error.message.contains("planned, abandoned"))
    #expect(try repo.git("rev-parse", "refs/draft/tickets/\(id)") == before)
    #expect(try repo.draft.detail(id: id).ticket.state == .proposed)
  }

  @Test func moveToTheSameStateWritesNothing() throws {
    let repo = try TestRepository()
    let id = try repo.create("A", state: .planned)
    let before = try repo.git("rev-parse", "refs/draft/tickets/\(id)")
    let change = try repo.draft.move(id, to: .planned)
    #expect(change.changed == false)
    #expect(try repo.git("rev-parse", "refs/draft/tickets/\(id)") == before)
  }

  @Test func stateNamesParseAsUsersTypeThem() throws {
    #expect(try WorkflowState(parsing: "needs-human") == .needsHuman)
    #expect(try WorkflowState(parsing: "DONE") == .done)
    #expect(throws: DraftError.self) { try WorkflowState(parsing: "finished") }
  }

  @Test func priorityWords() throws {
    #expect(try Priority.parse("critical") == 0)
    #expect(try Priority.parse("backlog") == 4)
    #expect(try Priority.parse("3") == 3)
    #expect(throws: DraftError.self) { try Priority.parse("5") }
    #expect(throws: DraftError.self) { try Priority.parse("urgent") }
  }
}
