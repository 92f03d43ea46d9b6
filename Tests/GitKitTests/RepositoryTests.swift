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

/// A namespace of references is read from git's own files (loose and packed-refs), not through
/// libgit2's iterator: it must list exactly what git lists.
@Suite struct StoredReferenceTests {
  private func git(_ arguments: [String], in directory: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git"] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["HOME"] = directory
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")) failed")
    return String(decoding: data, as: UTF8.self)
  }

  @Test func aNamespaceListsWhatGitLists() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("gitkit-\(UUID().uuidString)")
      .path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let repo = try Repository.create(at: root)
    let blobs = try (0..<4).map { try repo.write([UInt8($0)], as: .blob) }
    for index in 0..<30 {
      try repo.setReference("refs/draft/t/\(index)", to: blobs[index % 2], message: "made")
    }
    try repo.setReference("refs/draft/t/deep/er", to: blobs[0], message: "nested")
    try repo.setReference("refs/draft/tx/outside", to: blobs[0], message: "a neighbouring namespace")
    _ = try git(
      [
        "-c", "user.name=T", "-c", "user.email=t@example.com", "tag", "-a", "-m", "peeled", "v1",
        blobs[3].hex,
      ],
      in: root)
    _ = try git(["pack-refs", "--all"], in: root)
    // Loose values that hide packed ones, a new loose ref, a writer's lock file, a symbolic ref.
    try repo.setReference("refs/draft/t/3", to: blobs[2], message: "moved")
    try repo.setReference("refs/draft/t/new", to: blobs[3], message: "new")
    try Data("0000\n".utf8).write(to: URL(fileURLWithPath: root + "/.git/refs/draft/t/5.lock"))
    _ = try git(["symbolic-ref", "refs/draft/t/link", "refs/draft/t/1"], in: root)
    _ = try git(["update-ref", "-d", "refs/draft/t/7"], in: root)

    let listed = try repo.references(matching: "refs/draft/t/*").map { "\($0.target.hex) \($0.name)" }
    let expected = try git(
      ["for-each-ref", "--format=%(objectname) %(refname) %(symref)", "refs/draft/t/"], in: root
    ).split(separator: "\n").filter { $0.hasSuffix(" ") }.map { String($0.dropLast()) }
    #expect(listed.count == 31)
    #expect(listed == expected.sorted { $0.split(separator: " ")[1] < $1.split(separator: " ")[1] })
    #expect(listed.contains("\(blobs[2].hex) refs/draft/t/3"))
    #expect(!listed.contains { $0.hasSuffix("refs/draft/t/7") || $0.contains("/tx/") })
  }
}
