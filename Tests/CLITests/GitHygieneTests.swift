import Foundation
import Testing

/// The board lives beside the user's work without disturbing ordinary git.
@Suite struct GitHygieneTests {
  @Test func aSessionLeavesGitClean() throws {
    let sandbox = try Sandbox()
    // The user's own work: one commit on main and an untracked-free tree.
    _ = try sandbox.writeFile("repo/README.md", Data("hello\n".utf8))
    try sandbox.git("add", "README.md")
    try sandbox.git("commit", "-q", "-m", "initial")
    let headBefore = try sandbox.gitOut(["rev-parse", "HEAD"])
    let logBefore = try sandbox.git("log", "--oneline")

    try sandbox.ok("init")
    let a = try sandbox.newTicket("First", "-m", "body", "-l", "x")
    let b = try sandbox.newTicket("Second", "--blocked-by", a, "--state", "planned")
    let c = try sandbox.newTicket("Third", "--parent", a, "--state", "planned")
    try sandbox.ok("edit", a, "--title", "First (edited)", "-p", "0")
    try sandbox.ok("comment", b, "-m", "a comment")
    try sandbox.ok("link", c, "--related", b)
    try sandbox.ok("unlink", c, "--related", b)
    try sandbox.ok("move", a, "planned")
    try sandbox.ok("move", a, "executing")
    try sandbox.ok("list")
    try sandbox.ok("show", b)
    try sandbox.ok("log", a)
    try sandbox.ok("board")
    try sandbox.ok("next")
    let exported = try sandbox.ok("export")
    // Importing the board's own export is a no-op: every ticket is already there.
    #expect(try sandbox.ok("import", "-", input: Data(exported.utf8)).contains("3 already on this board"))
    _ = try sandbox.draft("move", a, "done")  // refused, must leave no trace either

    #expect(try sandbox.git("status", "--porcelain") == "", "the working tree and index are untouched")
    let branches = try sandbox.git("branch", "-a")
    #expect(branches.trimmingCharacters(in: .whitespacesAndNewlines) == "* main", "got: \(branches)")
    #expect(try sandbox.git("tag") == "")
    #expect(try sandbox.gitOut(["rev-parse", "HEAD"]) == headBefore)
    #expect(try sandbox.git("log", "--oneline") == logBefore, "main's history is the user's")
    // Every ref the board added is under refs/draft/.
    let refs = try sandbox.git("for-each-ref", "--format=%(refname)").split(separator: "\n")
    #expect(refs.filter { !$0.hasPrefix("refs/draft/") } == ["refs/heads/main"])
    #expect(refs.count == 1 + 3)

    let fsck = try sandbox.gitResult("fsck", "--strict", "--no-progress")
    #expect(fsck.status == 0, "\(fsck.stdout)\(fsck.stderr)")
    for word in ["error", "missing", "broken", "dangling", "bad"] {
      #expect(!(fsck.stdout + fsck.stderr).contains(word), "fsck: \(fsck.stdout)\(fsck.stderr)")
    }

    // git gc keeps every ticket.
    let listBefore = try sandbox.ok("list", "--json")
    let gc = try sandbox.gitResult("gc", "-q", "--prune=now")
    #expect(gc.status == 0, "\(gc.stderr)")
    #expect(try sandbox.ok("list", "--json") == listBefore)
    #expect(try sandbox.gitResult("fsck", "--no-progress").status == 0)
  }

  @Test func theBoardTravelsWithAnExplicitFetch() throws {
    let origin = try Sandbox()
    _ = try origin.writeFile("repo/code.txt", Data("code\n".utf8))
    try origin.git("add", "code.txt")
    try origin.git("commit", "-q", "-m", "code")
    let id = try origin.newTicket("Travelling", "-m", "across clones", "--state", "planned")
    try origin.ok("comment", id, "-m", "hello from origin")
    let clone = try Sandbox()
    // Custom refs are not fetched by default...
    try clone.git("remote", "add", "origin", origin.repo)
    try clone.git("fetch", "-q", "origin")
    #expect(try clone.ok("list") == "")
    #expect(try clone.git("for-each-ref", "refs/draft") == "")
    // ...but a refspec brings the board over, identical.
    try clone.git("fetch", "-q", "origin", "refs/draft/*:refs/draft/*")
    #expect(try origin.show(id) == (try clone.show(id)))
    #expect(try clone.ok("next").contains("Travelling"))
  }
}
