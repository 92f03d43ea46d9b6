import DraftKit
import Foundation
import Testing

/// The autopilot's policy and budgets, as read from a real repository's git config.
@Suite struct WorkPolicyTests {
  @Test func policyIsOffUntilConfigured() throws {
    let repository = try TestRepository()
    let policy = try repository.draft.workPolicy()
    #expect(!policy.autoApprove && !policy.autoMerge)
    #expect(policy.maxDiffLines == nil && policy.protectedPaths.isEmpty)
  }

  @Test func switchesReadAsGitReadsBooleans() throws {
    let repository = try TestRepository()
    try repository.git("config", "draft.autoApprove", "yes")
    // A key written without `=` is true, as git has it.
    let config = repository.path + "/.git/config"
    try (String(contentsOfFile: config, encoding: .utf8) + "[draft]\n\tautoMerge\n").write(
      toFile: config, atomically: true, encoding: .utf8)
    let policy = try repository.draft.workPolicy()
    #expect(policy.autoApprove && policy.autoMerge)
    try repository.git("config", "draft.autoMerge", "Off")
    #expect(try !repository.draft.workPolicy().autoMerge)
    // Anything else is refused by name rather than read as false.
    try repository.git("config", "draft.autoMerge", "maybe")
    let error = try #require(throws: DraftError.self) { try repository.draft.workPolicy() }
    #expect(error.message.contains("draft.autoMerge must be true or false"), "\(error.message)")
  }

  @Test func protectedPathsTakeFilesDirectoriesAndGlobs() throws {
    let repository = try TestRepository()
    try repository.git("config", "--add", "draft.protectedPaths", "ci/ Makefile")
    try repository.git("config", "--add", "draft.protectedPaths", "*.lock,secrets")
    try repository.git("config", "draft.maxDiffLines", "2k")
    let policy = try repository.draft.workPolicy()
    #expect(policy.protectedPaths == ["ci/", "Makefile", "*.lock", "secrets"])
    #expect(policy.maxDiffLines == 2000)
    for path in ["ci/run.sh", "Makefile", "Package.lock", "deep/dir/yarn.lock", "secrets/key"] {
      #expect(policy.protects(path), "\(path)")
    }
    for path in ["Makefile.old", "cinema.txt", "src/secrets.swift", "lock"] {
      #expect(!policy.protects(path), "\(path)")
    }
  }

  @Test func badPolicyAndBudgetValuesAreRefusedByName() throws {
    let repository = try TestRepository()
    try repository.git("config", "draft.maxDiffLines", "lots")
    #expect(throws: DraftError.self) { try repository.draft.workPolicy() }
    try repository.git("config", "draft.budget.day", "ten dollars")
    let error = try #require(throws: DraftError.self) { try repository.draft.budget() }
    #expect(error.message.contains("draft.budget.day"))
  }

  @Test func budgetsCountRunTicketAndDayTogether() throws {
    let repository = try TestRepository()
    try repository.git("config", "draft.budget.run", "$1")
    try repository.git("config", "draft.budget.ticket", "2.50")
    try repository.git("config", "draft.budget.dayTokens", "100k")
    let budget = try repository.draft.budget()
    #expect(budget.run.usd == 1 && budget.ticket.usd == 2.5 && budget.day.tokens == 100_000)
    // A new run may start while the ticket and the day are under their limits.
    #expect(budget.exhausted(ticket: Spend(usd: 2.49), day: Spend(tokens: 99_999)) == nil)
    let ticket = try #require(budget.exhausted(ticket: Spend(usd: 2.5), day: Spend()))
    #expect(ticket.contains("per-ticket budget of $2.5000"))
    let day = try #require(budget.exhausted(ticket: Spend(), day: Spend(tokens: 100_000)))
    #expect(day.contains("daily budget of 100000 tokens"))
  }

  @Test func nothingSpentTodayOnAFreshBoard() throws {
    let repository = try TestRepository()
    _ = try repository.create("A ticket")
    #expect(try repository.draft.spentToday() == Spend())
  }
}
