import DraftKit
import Foundation
import Testing

/// Refs under refs/draft/ can come from anyone's push: every kind of garbage is reported by
/// name and skipped, and nothing is deleted.
@Suite struct GarbageRefTests {
  @Test func garbageIsReportedAndSkipped() throws {
    let repo = try TestRepository()
    let good = try repo.create("Good one")
    let blob = try runGit(["hash-object", "-w", "--stdin"], in: repo.path, input: Data("junk".utf8))
    let fakeID = { (n: Int) in String(repeating: String(n), count: 64) }

    // A ref at a blob.
    try repo.git("update-ref", "refs/draft/tickets/\(fakeID(1))", blob)
    // A commit whose tree is empty.
    let emptyTree = try runGit(["mktree"], in: repo.path, input: Data())
    try repo.git("update-ref", "refs/draft/tickets/\(fakeID(2))", try commit(repo, tree: emptyTree))
    // Invalid JSON under the right names.
    try repo.git(
      "update-ref", "refs/draft/tickets/\(fakeID(3))", try commit(repo, ops: "{not json", version: "1\n"))
    // An unknown format version.
    try repo.git("update-ref", "refs/draft/tickets/\(fakeID(4))", try commit(repo, ops: "{}", version: "2\n"))
    // A name that is not an id.
    try repo.git("update-ref", "refs/draft/tickets/not-an-id", blob)
    // A valid-looking pack whose hash is not the ref's id.
    let tip = try repo.git("rev-parse", "refs/draft/tickets/\(good)")
    try repo.git("update-ref", "refs/draft/tickets/\(fakeID(5))", tip)

    let board = try repo.draft.board()
    #expect(board.tickets.map(\.id) == [good])
    #expect(board.invalid.count == 6)
    for n in 1...5 {
      #expect(board.invalid.contains { $0.ref.hasSuffix(fakeID(n)) || $0.reason.contains(fakeID(n)) })
    }
    #expect(board.invalid.contains { $0.ref == "refs/draft/tickets/not-an-id" })
    // Reading again (now from the cache) reports the same, and every ref is still there.
    #expect(try repo.draft.board().invalid.count == 6)
    let refs = try repo.git("for-each-ref", "--format=%(refname)", "refs/draft/tickets/")
    #expect(refs.split(separator: "\n").count == 7)
    if case .ready = try repo.draft.next().result {} else { Issue.record("next should still work") }
  }

  @Test func oversizedPackIsRefusedWithoutReadingIt() throws {
    let repo = try TestRepository()
    let big = Data(repeating: UInt8(ascii: "a"), count: 50 << 20)
    let id = String(repeating: "a", count: 64)
    try repo.git("update-ref", "refs/draft/tickets/\(id)", try commit(repo, opsData: big, version: "1\n"))
    let board = try repo.draft.board()
    #expect(board.tickets.isEmpty)
    #expect(board.invalid.first?.reason.contains("over the limit") == true)
  }

  @Test func clockThatSkipsIsInvalid() throws {
    let repo = try TestRepository()
    let id = try repo.create("Clocked")
    let tip = try repo.git("rev-parse", "refs/draft/tickets/\(id)")
    let pack =
      #"{"author":{"email":"e@x","name":"E"},"lamport":99,"ops":[{"body":"hi","type":"comment"}],"time":1,"version":1}"#
    let next = try commit(repo, ops: pack, version: "1\n", parent: tip)
    try repo.git("update-ref", "refs/draft/tickets/\(id)", next)
    let board = try repo.draft.board()
    #expect(board.tickets.isEmpty)
    #expect(board.invalid.first?.reason.contains("clock") == true)
  }

  @Test func damagedCacheIsRebuilt() throws {
    let repo = try TestRepository()
    let ids = try (0..<20).map { try repo.create("Cached \($0)") }
    _ = try repo.draft.board()
    let cache = repo.path + "/.git/draft/cache"
    let intact = try Data(contentsOf: URL(fileURLWithPath: cache))
    // Cut short, overwritten with junk, or gone: the board is rebuilt from the refs.
    for damaged in [intact.prefix(intact.count / 2), Data("junk".utf8), intact.prefix(30)] {
      try damaged.write(to: URL(fileURLWithPath: cache))
      let board = try repo.draft.board()
      #expect(Set(board.tickets.map(\.id)) == Set(ids))
      #expect(board.invalid.isEmpty)
      #expect(try Data(contentsOf: URL(fileURLWithPath: cache)).count == intact.count)
    }
    try FileManager.default.removeItem(atPath: cache)
    #expect(try repo.draft.board().ticket(ids[3])?.title == "Cached 3")
  }

  @Test func cacheNoticesRefsMovedBehindItsBack() throws {
    let repo = try TestRepository()
    let id = try repo.create("Before")
    _ = try repo.draft.board()
    let old = try repo.git("rev-parse", "refs/draft/tickets/\(id)")
    var edit = TicketEdit()
    edit.title = "After"
    try repo.draft.edit(id, edit)
    #expect(try repo.draft.board().ticket(id)?.title == "After")
    // A plain `git update-ref` (as a fetch would do) moving it back is seen too.
    try repo.git("update-ref", "refs/draft/tickets/\(id)", old)
    #expect(try repo.draft.board().ticket(id)?.title == "Before")
  }

  private func commit(_ repo: TestRepository, ops: String, version: String, parent: String? = nil) throws
    -> String
  {
    try commit(repo, opsData: Data(ops.utf8), version: version, parent: parent)
  }

  private func commit(_ repo: TestRepository, opsData: Data, version: String, parent: String? = nil) throws
    -> String
  {
    let opsBlob = try runGit(["hash-object", "-w", "--stdin"], in: repo.path, input: opsData)
    let versionBlob = try runGit(["hash-object", "-w", "--stdin"], in: repo.path, input: Data(version.utf8))
    let tree = try runGit(
      ["mktree"], in: repo.path,
      input: Data("100644 blob \(opsBlob)\tops.json\n100644 blob \(versionBlob)\tversion\n".utf8))
    return try commit(repo, tree: tree, parent: parent)
  }

  private func commit(_ repo: TestRepository, tree: String, parent: String? = nil) throws -> String {
    try runGit(["commit-tree", tree, "-m", "garbage"] + (parent.map { ["-p", $0] } ?? []), in: repo.path)
  }
}
