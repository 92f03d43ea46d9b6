import Foundation
import Testing

/// Failures: one `error:` line on stderr, the right exit code, and nothing changed.
@Suite struct ErrorTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var status: Int32
    var mentioning: [String] = []
    var testDescription: String { arguments.joined(separator: " ") }
  }

  /// "ID" stands for a real ticket's short id, "FILE" for an existing text file.
  static let cases: [Case] = [
    Case(arguments: ["frobnicate"], status: 129, mentioning: ["frobnicate"]),
    Case(arguments: ["list", "--bogus"], status: 129, mentioning: ["--bogus"]),
    Case(arguments: ["new", "x", "--frob"], status: 129, mentioning: ["--frob"]),
    Case(arguments: ["show"], status: 129),
    Case(arguments: ["new"], status: 129),
    Case(arguments: ["move", "ID"], status: 129),
    Case(arguments: ["show", "ID", "extra"], status: 129),
    Case(arguments: ["board", "--limit", "many"], status: 129),
    Case(arguments: ["show", "0000aaaa"], status: 128, mentioning: ["0000aaaa"]),
    Case(arguments: ["edit", "0000aaaa", "--title", "x"], status: 128, mentioning: ["0000aaaa"]),
    Case(arguments: ["comment", "0000aaaa", "-m", "x"], status: 128, mentioning: ["0000aaaa"]),
    Case(arguments: ["move", "0000aaaa", "planned"], status: 128, mentioning: ["0000aaaa"]),
    Case(arguments: ["link", "0000aaaa", "--blocks", "ID"], status: 128, mentioning: ["0000aaaa"]),
    Case(arguments: ["unlink", "ID", "--related", "0000aaaa"], status: 128, mentioning: ["0000aaaa"]),
    Case(arguments: ["log", "0000aaaa"], status: 128, mentioning: ["0000aaaa"]),
    Case(arguments: ["move", "ID", "finished"], status: 129, mentioning: ["finished"]),
    Case(arguments: ["move", "ID", "done"], status: 128, mentioning: ["done", "planned", "abandoned"]),
    Case(arguments: ["new", "x", "--state", "finished"], status: 129, mentioning: ["finished"]),
    Case(arguments: ["new", "x", "-p", "9"], status: 129, mentioning: ["9"]),
    Case(arguments: ["new", "x", "-p", "urgent"], status: 129, mentioning: ["urgent"]),
    Case(arguments: ["new", "x", "-p", "-1"], status: 129),
    Case(arguments: ["edit", "ID", "-p", "5"], status: 129, mentioning: ["5"]),
    Case(arguments: ["new", ""], status: 128, mentioning: ["title"]),
    Case(arguments: ["edit", "ID", "--title", ""], status: 128, mentioning: ["title"]),
    Case(arguments: ["new", "x", "-m", "a", "-F", "FILE"], status: 129, mentioning: ["-m", "-F"]),
    Case(arguments: ["edit", "ID", "-m", "a", "-F", "FILE"], status: 129, mentioning: ["-m", "-F"]),
    Case(arguments: ["comment", "ID", "-m", "a", "-F", "FILE"], status: 129, mentioning: ["-m", "-F"]),
    Case(arguments: ["comment", "ID"], status: 129),
    Case(arguments: ["comment", "ID", "-m", ""], status: 128),
    Case(arguments: ["edit", "ID"], status: 129),
    Case(
      arguments: ["new", "x", "-F", "/nonexistent/body.txt"], status: 128,
      mentioning: ["/nonexistent/body.txt"]),
    Case(arguments: ["import", "/nonexistent/in.jsonl"], status: 128, mentioning: ["/nonexistent/in.jsonl"]),
    Case(arguments: ["new", "x", "-l", ""], status: 128, mentioning: ["label"]),
    Case(arguments: ["new", "x", "-l", "two words"], status: 128, mentioning: ["two words"]),
    Case(arguments: ["edit", "ID", "--add-label", "a,b"], status: 128, mentioning: ["a,b"]),
  ]

  @Test(arguments: cases)
  func failsWithOneLineAndChangesNothing(_ test: Case) throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Existing", "-l", "keep")
    let file = try sandbox.writeFile("text.txt", Data("some text".utf8))
    let arguments = test.arguments.map { $0 == "ID" ? id : $0 == "FILE" ? file : $0 }
    let before = try sandbox.refSnapshot()
    let result = try sandbox.draft(arguments: arguments)
    expectError(result, test.status, mentioning: test.mentioning.map { $0 == "ID" ? id : $0 })
    // Every ticket is a ref whose target only moves on a write: same refs, same board.
    #expect(try sandbox.refSnapshot() == before)
    #expect(try sandbox.git("status", "--porcelain") == "")
  }

  @Test func aBadStateNamesTheStatesThatExist() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("x")
    let before = try sandbox.refSnapshot()
    expectError(
      try sandbox.draft("move", id, "finished"), 129,
      mentioning: ["finished", "proposed", "planned", "needs_human", "abandoned"])
    // A new ticket can only start in one of two states; the message names those.
    expectError(
      try sandbox.draft("new", "y", "--state", "finished"), 129,
      mentioning: ["finished", "proposed", "planned"])
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test
  func aBlankTitleIsRefused() throws {
    let sandbox = try Sandbox()
    let before = try sandbox.refSnapshot()
    expectError(try sandbox.draft("new", "   "), 128, mentioning: ["title"])
    expectError(try sandbox.draft("new", "\n\t"), 128, mentioning: ["title"])
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func outsideARepositoryItSaysSo() throws {
    let sandbox = try Sandbox()
    let outside = sandbox.root + "/not-a-repo"
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    for arguments in [["list"], ["new", "x"], ["next"], ["board"], ["export"]] {
      let result = try runProcess(
        gitDraftBinary, arguments, in: outside, environment: ["GIT_CEILING_DIRECTORIES": sandbox.root])
      expectError(result, 128, mentioning: ["git repository"])
    }
    #expect(!FileManager.default.fileExists(atPath: outside + "/.git"))
  }

  @Test func aBodyOverTheLimitIsRefused() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("x")
    let path = try sandbox.writeFile("huge.txt", Data(repeating: UInt8(ascii: "a"), count: 5 << 20))
    let before = try sandbox.refSnapshot()
    expectError(try sandbox.draft("new", "big", "-F", path), 128)
    expectError(try sandbox.draft("comment", id, "-F", path), 128)
    expectError(try sandbox.draft("edit", id, "-F", path), 128)
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func textThatIsNotUTF8IsRefused() throws {
    let sandbox = try Sandbox()
    let path = try sandbox.writeFile("latin1.txt", Data([0x63, 0x61, 0x66, 0xe9, 0xff, 0xfe]))
    let before = try sandbox.refSnapshot()
    expectError(try sandbox.draft("new", "x", "-F", path), 128, mentioning: ["UTF-8"])
    expectError(
      try sandbox.draft("new", "x", "-F", "-", input: Data([0xc3, 0x28])), 128, mentioning: ["UTF-8"])
    #expect(try sandbox.refSnapshot() == before)
  }

  /// No identity anywhere: HOME is an empty directory and the repository has no user.*.
  @Test func unsetIdentitySaysHowToSetItAndWritesNothing() throws {
    let sandbox = try Sandbox(identity: false)
    let home = sandbox.root + "/empty-home"
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let bare = ["HOME": home, "XDG_CONFIG_HOME": home + "/.config"]
    // A ticket made with an identity from the environment, to act on.
    let made = try sandbox.draft(
      "new", "Seed", "--state", "planned",
      environment: bare.merging(["GIT_AUTHOR_NAME": "Seed", "GIT_AUTHOR_EMAIL": "seed@example.com"]) { $1 })
    #expect(made.status == 0, "\(made.stderr)")
    let id = made.stdout.trimmingCharacters(in: .newlines)
    let other = try sandbox.draft(
      "new", "Other",
      environment: bare.merging(["GIT_AUTHOR_NAME": "Seed", "GIT_AUTHOR_EMAIL": "seed@example.com"]) { $1 }
    ).stdout.trimmingCharacters(in: .newlines)
    let before = try sandbox.refSnapshot()
    let attempts: [[String]] = [
      ["new", "Nobody's ticket"], ["edit", id, "--title", "t"], ["comment", id, "-m", "c"],
      ["move", id, "executing"],
      ["link", id, "--blocks", other], ["link", id, "--related", other],
    ]
    for arguments in attempts {
      let result = try sandbox.draft(arguments: arguments, environment: bare)
      expectError(result, 128, mentioning: ["user.name", "user.email"])
    }
    let imported = try sandbox.draft("import", "-", input: Data(#"{"title":"x"}"#.utf8), environment: bare)
    expectError(imported, 128, mentioning: ["user.name", "user.email"])
    #expect(try sandbox.refSnapshot() == before)
    // Reading needs no identity.
    let list = try sandbox.draft("list", environment: bare)
    #expect(list.status == 0 && list.stdout.contains("Seed"))
    #expect(try sandbox.draft("show", id, environment: bare).status == 0)
    #expect(try sandbox.draft("next", environment: bare).status == 0)
  }
}
