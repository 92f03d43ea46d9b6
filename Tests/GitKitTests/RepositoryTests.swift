import Foundation
import GitKit
import Testing

@Suite struct RepositoryTests {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent("gitkit-\(UUID().uuidString)").path

  private func makeRepository() throws -> Repository {
    try Repository.create(at: root)
  }

  @Test func objectsRoundTripByteForByte() throws {
    defer { try? FileManager.default.removeItem(atPath: root) }
    let repo = try makeRepository()
    let bytes: [UInt8] = Array("line one\nline two\u{0}\u{1b}[31m ünïcödé".utf8)
    let blob = try repo.write(bytes, as: .blob)
    #expect(try repo.read(blob, as: .blob, maxSize: 1 << 20) == bytes)
    let tree = try repo.writeTree([TreeEntry(name: "file", id: blob)])
    #expect(try repo.treeEntry("file", in: tree) == blob)
    #expect(try repo.treeEntry("absent", in: tree) == nil)
    let commit = try repo.writeCommit(
      tree: tree, parents: [], author: Signature(name: "A", email: "a@b", time: 1_700_000_000), message: "m\n"
    )
    let record = try repo.readCommit(commit)
    #expect(record.tree == tree)
    #expect(record.parents.isEmpty)
    #expect(record.time == 1_700_000_000)
  }

  @Test func readRefusesWrongKindAndOversizedObjects() throws {
    defer { try? FileManager.default.removeItem(atPath: root) }
    let repo = try makeRepository()
    let blob = try repo.write(Array(repeating: 0x61, count: 1000), as: .blob)
    #expect(throws: GitError.self) { try repo.read(blob, as: .blob, maxSize: 999) }
    #expect(throws: GitError.self) { try repo.readCommit(blob) }
  }

  @Test func referenceUpdatesAreCompareAndSwap() throws {
    defer { try? FileManager.default.removeItem(atPath: root) }
    let repo = try makeRepository()
    let one = try repo.write([1], as: .blob)
    let two = try repo.write([2], as: .blob)
    try repo.updateReference("refs/draft/test/x", to: one, expecting: nil, message: "create")
    // Creating again, or moving from a stale value, loses the race and changes nothing.
    let exists = try #require(throws: GitError.self) {
      try repo.updateReference("refs/draft/test/x", to: two, expecting: nil, message: "again")
    }
    #expect(exists.isRace)
    let stale = try #require(throws: GitError.self) {
      try repo.updateReference("refs/draft/test/x", to: two, expecting: two, message: "stale")
    }
    #expect(stale.isRace)
    #expect(try repo.referenceTarget("refs/draft/test/x") == one)
    try repo.updateReference("refs/draft/test/x", to: two, expecting: one, message: "move")
    #expect(try repo.referenceTarget("refs/draft/test/x") == two)
    #expect(
      try repo.references(matching: "refs/draft/test/*") == [
        Reference(name: "refs/draft/test/x", target: two)
      ])
    #expect(try repo.referenceTarget("refs/draft/test/absent") == nil)
  }

  @Test func batchWritesLandInOnePack() throws {
    defer { try? FileManager.default.removeItem(atPath: root) }
    let repo = try makeRepository()
    let author = Signature(name: "A", email: "a@b", time: 1_700_000_000)
    let commits = try repo.batchWrites {
      try (0..<300).map { n in
        let blob = try repo.write(Array("object \(n)".utf8), as: .blob)
        let tree = try repo.writeTree([TreeEntry(name: "f", id: blob)])
        return try repo.writeCommit(tree: tree, parents: [], author: author, message: "c\(n)\n")
      }
    }
    let packs = try FileManager.default.contentsOfDirectory(atPath: root + "/.git/objects/pack")
    #expect(packs.filter { $0.hasSuffix(".pack") }.count == 1)
    let loose = try FileManager.default.contentsOfDirectory(atPath: root + "/.git/objects")
    #expect(loose.allSatisfy { $0 == "pack" || $0 == "info" })
    // Readable through the same handle and a new one; later writes go to disk as usual.
    let tree = try repo.readCommit(commits[42]).tree
    let blob = try #require(try repo.treeEntry("f", in: tree))
    #expect(try repo.read(blob, as: .blob, maxSize: 100) == Array("object 42".utf8))
    let after = try repo.write(Array("after".utf8), as: .blob)
    let reopened = try Repository.discover(from: root)
    #expect(try reopened.read(after, as: .blob, maxSize: 100) == Array("after".utf8))
    #expect(try reopened.readCommit(commits[299]).parents.isEmpty)
  }

  @Test func notARepositorySaysSo() throws {
    let error = try #require(throws: GitError.self) { try Repository.discover(from: "/") }
    #expect(error.message.contains("not a git repository"))
  }

  @Test func objectIDParsing() {
    #expect(ObjectID(hex: String(repeating: "a", count: 40)) != nil)
    #expect(ObjectID(hex: String(repeating: "A", count: 40))?.hex == String(repeating: "a", count: 40))
    #expect(ObjectID(hex: String(repeating: "g", count: 40)) == nil)
    #expect(ObjectID(hex: "abc") == nil)
  }
}

@Suite struct PackedReferenceTests {
  @Test func bulkWritesGoToPackedRefsAndRespectExistingOnes() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("gitkit-\(UUID().uuidString)")
      .path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let repo = try Repository.create(at: root)
    let one = try repo.write([1], as: .blob)
    let two = try repo.write([2], as: .blob)
    try repo.updateReference("refs/heads/loose", to: one, expecting: nil, message: "loose")

    let created = (0..<50).map { Reference(name: "refs/draft/t/\($0)", target: one) }
    try repo.createPackedReferences(created)
    #expect(try repo.references(matching: "refs/draft/t/*").count == 50)
    #expect(!FileManager.default.fileExists(atPath: root + "/.git/refs/draft/t/7"))
    // Creating an existing name fails and changes nothing.
    #expect(throws: GitError.self) {
      try repo.createPackedReferences([
        Reference(name: "refs/draft/t/3", target: two), Reference(name: "refs/draft/t/new", target: two),
      ])
    }
    #expect(try repo.referenceTarget("refs/draft/t/3") == one)
    #expect(try repo.referenceTarget("refs/draft/t/new") == nil)
    // Replacing wins over a loose copy, which is removed; other refs are untouched.
    try repo.setReference("refs/draft/t/4", to: one, message: "loose copy")
    try repo.setPackedReferences([Reference(name: "refs/draft/t/4", target: two)])
    #expect(try repo.referenceTarget("refs/draft/t/4") == two)
    #expect(try repo.referenceTarget("refs/heads/loose") == one)
    #expect(!FileManager.default.fileExists(atPath: root + "/.git/packed-refs.lock"))
  }
}
