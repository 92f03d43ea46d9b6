import Foundation
import Testing

/// `git draft sync`, `pull` and `push` through a real bare repository given by its path.
@Suite struct SyncTests {
  /// A sandbox whose repository has `origin` set to an empty bare repository, and its path.
  func board() throws -> (sandbox: Sandbox, home: Clone, remote: String) {
    let sandbox = try Sandbox()
    let remote = try sandbox.bareRemote()
    try sandbox.git("remote", "add", "origin", remote)
    return (sandbox, sandbox.home, remote)
  }

  /// The board's refs in a bare remote (`git for-each-ref` there).
  func remoteRefs(_ remote: String, _ pattern: String = "refs/") throws -> [String: String] {
    try Clone(path: remote).refs(pattern)
  }

  /// Expects every ticket in `ids` to print the same `show --json` in every clone.
  func expectConverged(
    _ clones: [Clone], _ ids: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    for id in ids {
      let texts = try clones.map { try $0.showText(id) }
      #expect(
        Set(texts).count == 1, "clones disagree on \(id):\n\(texts.joined(separator: "\n---\n"))",
        sourceLocation: sourceLocation)
    }
    let boards = try clones.map { try $0.ticketIDs() }
    #expect(Set(boards).count == 1, "clones hold different tickets", sourceLocation: sourceLocation)
  }

  @Test func firstSyncToAnEmptyRemotePushesEverythingAndASecondPushesNothing() throws {
    let (_, home, remote) = try board()
    let ids = try (1...3).map { try home.newTicket("Ticket \($0)", "--state", "planned") }
    try home.ok("comment", ids[0], "-m", "a comment travels too")

    let first = try home.sync()
    #expect(first.remote == "origin")
    #expect(first.pushed == 3, "\(first)")
    #expect(
      (first.new, first.updated, first.merged, first.invalid, first.rejected) == (0, 0, 0, 0, 0), "\(first)")
    // The remote holds exactly the local board, tip for tip.
    #expect(try remoteRefs(remote, "refs/draft/") == home.refs("refs/draft/"))

    let again = try home.sync()
    #expect(again.pushed == 0, "\(again)")
    #expect(again.unchanged == 3, "\(again)")
    #expect((again.new, again.updated, again.merged, again.invalid) == (0, 0, 0, 0), "\(again)")
    #expect(try home.sync("push").pushed == 0)
    let pulled = try home.sync("pull")
    #expect((pulled.new, pulled.updated, pulled.merged, pulled.pushed) == (0, 0, 0, 0), "\(pulled)")
  }

  @Test func aPlainCloneGetsTheBoardWithOneSync() throws {
    let (sandbox, home, remote) = try board()
    try home.git("commit", "-q", "--allow-empty", "-m", "code")
    try home.git("push", "-q", "-u", "origin", "main")
    let parent = try home.newTicket("Parent", "--state", "planned", "-l", "epic")
    let child = try home.newTicket("Child", "--parent", parent, "-m", "body text", "-p", "1")
    let blocked = try home.newTicket("Waits", "--state", "planned", "--blocked-by", child)
    try home.ok("comment", child, "-m", "first comment")
    try home.ok("move", child, "planned")
    try home.sync()

    let clone = try sandbox.clone(remote, as: "laptop")
    // A plain clone fetches branches only: no board yet.
    #expect(try clone.refs("refs/draft/").isEmpty)
    #expect(try clone.ticketIDs().isEmpty)
    let summary = try clone.sync()
    #expect(summary.new == 3, "\(summary)")
    #expect(summary.pushed == 0, "\(summary)")
    try expectConverged([home, clone], [parent, child, blocked])
  }

  @Test func concurrentEditsInTwoClonesConverge() throws {
    let (sandbox, home, remote) = try board()
    let ids = try (0..<5).map { try home.newTicket("Ticket \($0)", "--state", "planned", "-l", "shared") }
    try home.sync()
    let other = try sandbox.clone(remote, as: "other")
    try other.sync()

    // Each clone edits the same tickets without seeing the other's work.
    try home.ok("comment", ids[0], "-m", "from home")
    try other.ok("comment", ids[0], "-m", "from other")
    try home.ok("edit", ids[1], "--title", "Title from home")
    try other.ok("edit", ids[1], "--title", "Title from other", "-p", "0")
    try home.ok("edit", ids[2], "--add-label", "home-label", "--remove-label", "shared")
    try other.ok("edit", ids[2], "--add-label", "other-label", "-m", "body from other")
    try home.ok("link", ids[3], "--blocked-by", ids[4])
    try other.ok("link", ids[3], "--related", ids[0])
    try other.ok("link", ids[4], "--parent", ids[2])
    try home.ok("move", ids[4], "executing")
    try other.ok("move", ids[1], "blocked")
    let created = try other.newTicket("Made on the other clone")

    try home.sync()
    let merged = try other.sync()
    #expect(merged.merged == 5, "\(merged)")
    #expect(merged.pushed == 6, "\(merged)")
    let back = try home.sync()
    #expect(back.new == 1, "\(back)")
    try expectConverged([home, other], ids + [created])

    // Nothing either clone wrote was lost.
    let comments = try home.show(ids[0]).comments?.map(\.body) ?? []
    #expect(Set(comments) == ["from home", "from other"])
    #expect(["Title from home", "Title from other"].contains(try home.show(ids[1]).title))
    #expect(try home.show(ids[1]).priority == 0)
    #expect(try home.show(ids[1]).state == "blocked")
    #expect(Set(try home.show(ids[2]).labels) == ["home-label", "other-label"])
    #expect(try home.show(ids[2]).body == "body from other")
    #expect(try home.show(ids[3]).blocked_by == [ids[4]])
    #expect(try home.show(ids[3]).related == [ids[0]])
    #expect(try home.show(ids[4]).parent == ids[2])
    #expect(try home.show(ids[4]).state == "executing")

    // Both are quiet now: a further sync moves nothing either way.
    for clone in [home, other] {
      let quiet = try clone.sync()
      #expect((quiet.new, quiet.updated, quiet.merged, quiet.pushed) == (0, 0, 0, 0), "\(quiet)")
    }
  }

  @Test func fourClonesSyncingAtOnceAllLandTheirWork() throws {
    let (sandbox, home, remote) = try board()
    let ids = try (0..<3).map { try home.newTicket("Shared \($0)", "--state", "planned") }
    try home.sync()
    let clones = try (0..<4).map { try sandbox.clone(remote, as: "clone\($0)") }
    for clone in clones { try clone.sync("pull") }
    for (index, clone) in clones.enumerated() {
      for id in ids { try clone.ok("comment", id, "-m", "from clone \(index)") }
      try clone.ok("edit", ids[0], "--add-label", "clone-\(index)")
    }

    // All four push to the same refs at the same moment: sync merges and retries until it lands.
    let results = try simultaneously(clones.count) { try clones[$0].draft("sync") }.map { try $0.get() }
    for result in results {
      #expect(result.status == 0, "\(result.stderr)")
      let summary = try #require(SyncSummary(result.stdout), "\(result.stdout)")
      #expect(summary.rejected == 0, "\(summary)")
    }
    // Everyone's work is on the remote now; one more round brings every clone up to date.
    for clone in [home] + clones { try clone.sync() }
    try expectConverged([home] + clones, ids)
    for id in ids {
      let comments = Set(try home.show(id).comments?.map(\.body) ?? [])
      #expect(comments == Set((0..<4).map { "from clone \($0)" }), "\(id): \(comments)")
    }
    #expect(Set(try home.show(ids[0]).labels) == Set((0..<4).map { "clone-\($0)" }))
  }

  @Test func concurrentMovesFromOneStateShowAConflict() throws {
    let (sandbox, home, remote) = try board()
    let id = try home.newTicket("Contested", "--state", "planned")
    try home.sync()
    let other = try sandbox.clone(remote, as: "other")
    try other.sync()

    try home.ok("move", id, "executing")
    try other.ok("move", id, "abandoned")
    try home.sync()
    try other.sync()
    try home.sync()
    try expectConverged([home, other], [id])

    let ticket = try home.showJSON(id)
    let state = try #require(ticket["state"] as? String)
    #expect(["executing", "abandoned"].contains(state))
    let moves = (ticket["history"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "moved" }
    #expect(moves.count == 2, "both moves stay in history: \(moves)")
    #expect(moves.allSatisfy { $0["from"] as? String == "planned" })
    let conflicts = moves.filter { ($0["conflict"] as? String).map { !$0.isEmpty } ?? false }
    #expect(conflicts.count == 1, "exactly one move is marked as a conflict: \(moves)")
    // The move that lost is the one marked, and its target is not the state shown.
    #expect(conflicts.first?["to"] as? String != state)
    let applied = moves.filter { $0["conflict"] is NSNull }
    #expect(applied.first?["to"] as? String == state)
  }

  @Test func pushAndPullDoTheTwoHalves() throws {
    let (sandbox, home, remote) = try board()
    let id = try home.newTicket("Halves", "--state", "planned")
    #expect(try home.sync("push").pushed == 1)
    let other = try sandbox.clone(remote, as: "other")
    let pulled = try other.sync("pull")
    #expect(pulled.new == 1, "\(pulled)")
    #expect(pulled.pushed == 0, "\(pulled)")

    try other.ok("comment", id, "-m", "pushed from other")
    #expect(try other.sync("push").pushed == 1)
    let updated = try home.sync("pull")
    #expect(updated.updated == 1, "\(updated)")
    #expect(updated.pushed == 0)
    try expectConverged([home, other], [id])
  }

  @Test func pushRefusesWhenTheRemoteHasNewerChanges() throws {
    let (sandbox, home, remote) = try board()
    let id = try home.newTicket("Raced", "--state", "planned")
    try home.sync()
    let other = try sandbox.clone(remote, as: "other")
    try other.sync()
    try home.ok("comment", id, "-m", "home got there first")
    try home.sync()
    let remoteTip = try remoteRefs(remote)["refs/draft/tickets/\(id)"]

    try other.ok("comment", id, "-m", "other is behind")
    let refused = try other.draft("push")
    expectError(refused, 128, mentioning: ["sync"])
    // Never forced: the remote still has home's version.
    #expect(try remoteRefs(remote)["refs/draft/tickets/\(id)"] == remoteTip)

    let merged = try other.sync()
    #expect(merged.merged == 1, "\(merged)")
    #expect(merged.pushed == 1, "\(merged)")
    try home.sync()
    try expectConverged([home, other], [id])
    #expect(
      Set(try home.show(id).comments?.map(\.body) ?? []) == ["home got there first", "other is behind"])
  }

  @Test func plainGitIsUntouchedAndTrackingRefsStayLocal() throws {
    let (sandbox, home, remote) = try board()
    try home.git("commit", "-q", "--allow-empty", "-m", "code")
    let id = try home.newTicket("Hygiene", "--state", "planned")
    let fetchBefore = try home.gitResult("config", "--get-all", "remote.origin.fetch")
    #expect(try home.gitResult("config", "--get-all", "remote.origin.push").status == 1)

    // A plain push carries branches only, as before.
    try home.git("push", "-q", "-u", "origin", "main")
    #expect(try remoteRefs(remote).keys.sorted() == ["refs/heads/main"])

    try home.sync()
    try home.ok("comment", id, "-m", "again")
    try home.sync()
    let other = try sandbox.clone(remote, as: "other")
    try other.sync()

    for clone in [home, other] {
      // Configuration is unchanged: plain git push and fetch do what they did.
      let push = try clone.gitResult("config", "--get-all", "remote.origin.push")
      #expect(push.status == 1 && push.stdout.isEmpty, "remote.origin.push was set: \(push.stdout)")
      let fetch = try clone.gitResult("config", "--get-all", "remote.origin.fetch")
      #expect(fetch.stdout == fetchBefore.stdout)
      #expect(fetch.stdout == "+refs/heads/*:refs/remotes/origin/*\n")
      // No draft refs among branches.
      let branches = try clone.git("branch", "-a")
      #expect(!branches.contains("draft"), "git branch -a shows: \(branches)")
      // The tracking refs exist locally, under their own namespace.
      #expect(try clone.refs()["refs/draft-remote/origin/draft/tickets/\(id)"] != nil)
      #expect(try clone.refs("refs/remotes/").keys.allSatisfy { !$0.contains("draft") })
    }

    // The remote holds the board and the branch, and never any tracking ref.
    let onRemote = try remoteRefs(remote)
    #expect(onRemote.keys.sorted() == ["refs/draft/tickets/\(id)", "refs/heads/main"])
    #expect(!onRemote.keys.contains { $0.hasPrefix("refs/draft-remote/") })

    // A plain fetch and push after syncing still move branches only.
    try other.git("commit", "-q", "--allow-empty", "-m", "more code")
    try other.git("push", "-q")
    let plain = try sandbox.clone(remote, as: "plain")
    try plain.git("fetch", "-q")
    let plainRefs = try plain.refs().keys.sorted()
    #expect(plainRefs.allSatisfy { !$0.contains("draft") }, "\(plainRefs)")
    #expect(try remoteRefs(remote).count == 2)
  }

  @Test func theDefaultRemoteIsTheBranchsRemoteAndPathsWork() throws {
    let (sandbox, home, origin) = try board()
    let upstream = try sandbox.bareRemote("upstream.git")
    let loose = try sandbox.bareRemote("loose.git")
    try home.git("remote", "add", "upstream", upstream)
    try home.git("commit", "-q", "--allow-empty", "-m", "code")
    try home.git("push", "-q", "-u", "upstream", "main")
    let id = try home.newTicket("Routed")

    // The current branch tracks upstream: sync goes there, not to origin.
    let summary = try home.sync()
    #expect(summary.remote == "upstream")
    #expect(try remoteRefs(upstream)["refs/draft/tickets/\(id)"] != nil)
    #expect(try remoteRefs(origin).isEmpty)
    #expect(try home.refs("refs/draft-remote/upstream/").count == 1)

    // A remote named on the command line, then a bare path that is no configured remote.
    #expect(try home.sync("sync", "origin").pushed == 1)
    #expect(try remoteRefs(origin)["refs/draft/tickets/\(id)"] != nil)
    let byPath = try home.sync("sync", loose)
    #expect(byPath.pushed == 1, "\(byPath)")
    #expect(try remoteRefs(loose)["refs/draft/tickets/\(id)"] != nil)
    #expect(try home.sync("sync", loose).pushed == 0)
    // Tracked under a namespace of its own, still outside branches.
    let tracking = try home.refs("refs/draft-remote/").keys
    #expect(tracking.count == 3, "\(tracking.sorted())")
    #expect(!(try home.git("branch", "-a").contains("draft")))

    // With no branch remote and no origin, sync says how to add one.
    let lonely = try Sandbox()
    try lonely.git("commit", "-q", "--allow-empty", "-m", "code")
    expectError(try lonely.draft("sync"), 128, mentioning: ["git remote add"])
    expectError(try lonely.draft("sync", "nosuch"), 128, mentioning: ["nosuch"])
  }

  /// Objects written straight into the bare remote, as anyone with push access could.
  struct Forger {
    let remote: Clone

    func blob(_ text: String) throws -> String {
      try remote.git("hash-object", "-w", "--stdin", input: Data(text.utf8))
    }

    func commit(ops: String, version: String = "1\n", parent: String? = nil) throws -> String {
      let listing = "100644 blob \(ops)\tops.json\n100644 blob \(try blob(version))\tversion\n"
      let tree = try remote.git("mktree", input: Data(listing.utf8))
      return try runProcess(
        gitBinary,
        [
          "-c", "user.name=Forger", "-c", "user.email=forger@example.com", "commit-tree", tree, "-m",
          "forged",
        ]
          + (parent.map { ["-p", $0] } ?? []), in: remote.path
      ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func plant(_ id: String, _ target: String) throws {
      try remote.git("update-ref", "refs/draft/tickets/\(id)", target)
    }
  }

  @Test func garbageOnTheRemoteIsNamedAndSkipped() throws {
    let (sandbox, home, remote) = try board()
    let mine = try home.newTicket("Mine", "--state", "planned")
    try home.ok("comment", mine, "-m", "keep me")
    try home.sync()
    // Another clone contributes a valid ticket beside the garbage.
    let other = try sandbox.clone(remote, as: "other")
    let theirs = try other.newTicket("Theirs")
    let jumped = try other.newTicket("Will have its clock jump")
    try other.sync()

    let forger = Forger(remote: Clone(path: remote))
    let validOps = try forger.remote.git("rev-parse", "refs/draft/tickets/\(mine):ops.json")
    var bad: [String: String] = [:]
    bad[String(repeating: "a", count: 64)] = try forger.blob("not a commit at all\n")
    bad[String(repeating: "b", count: 64)] = try forger.commit(ops: try forger.blob("{not json"))
    bad[String(repeating: "c", count: 64)] = try forger.commit(ops: validOps, version: "99\n")
    // A well-formed op pack whose Lamport clock leaps far past its parent's.
    let leap =
      #"{"author":{"email":"x@example.com","name":"X"},"lamport":1000000000,"#
      + #""ops":[{"body":"from the future","type":"comment"}],"time":1,"version":1}"#
    bad[jumped] = try forger.commit(
      ops: try forger.blob(leap), parent: try forger.remote.git("rev-parse", "refs/draft/tickets/\(jumped)"))
    for (id, target) in bad { try forger.plant(id, target) }

    let localBefore = try home.refs("refs/draft/")
    let textBefore = try home.showText(mine)
    let result = try home.draft("sync")
    #expect(result.status == 0, "sync failed: \(result.stderr)")
    let summary = try #require(SyncSummary(result.stdout), "\(result.stdout)")
    #expect(summary.invalid == 4, "\(summary)")
    #expect(summary.new == 1, "the valid ticket still arrives: \(summary)")
    #expect(summary.rejected == 0, "\(summary)")
    for id in bad.keys {
      let naming = result.stderrLines.filter { $0.contains("refs/draft/tickets/\(id)") }
      #expect(naming.count == 1, "want one warning naming \(id):\n\(result.stderr)")
      #expect(naming.allSatisfy { $0.hasPrefix("warning: skipping invalid ticket:") })
    }
    #expect(result.stderrLines.allSatisfy { $0.hasPrefix("warning: ") }, "\(result.stderr)")

    // Local tickets are untouched; nothing bad was taken in; the good ticket was.
    var localAfter = try home.refs("refs/draft/")
    #expect(localAfter.removeValue(forKey: "refs/draft/tickets/\(theirs)") != nil)
    #expect(localAfter == localBefore)
    #expect(try home.showText(mine) == textBefore)
    let listing = try home.draft("list", "--all")
    #expect(listing.status == 0)
    #expect(listing.stderr.isEmpty, "garbage leaked into the local board: \(listing.stderr)")
    // The remote keeps what it had (sync never deletes), and a second sync still completes.
    #expect(try home.ticketIDs() == [mine, theirs])
    #expect(try remoteRefs(remote, "refs/draft/").count == 6)
    let again = try home.draft("sync")
    #expect(again.status == 0, "\(again.stderr)")
    #expect(SyncSummary(again.stdout)?.invalid == 4, "\(again.stdout)")
  }

  @Test func aForeignTicketUnderALocalIdNeverReplacesIt() throws {
    let (_, home, remote) = try board()
    let mine = try home.newTicket("Mine", "--state", "planned")
    let bystander = try home.newTicket("Bystander")
    try home.sync()
    try home.ok("comment", mine, "-m", "written after the last sync")

    // Another repository's ticket commit, force-pushed under my ticket's name: a different root.
    let stranger = try Sandbox()
    let foreign = try stranger.home.newTicket("Impostor", "--state", "planned")
    let ref = "refs/draft/tickets/\(mine)"
    try stranger.home.git("push", "-q", "--force", remote, "refs/draft/tickets/\(foreign):\(ref)")
    let forgedTip = try Clone(path: remote).refs()[ref]

    let localBefore = try home.refs("refs/draft/")
    let textBefore = try home.showText(mine)
    let result = try home.draft("sync")
    #expect(result.status == 0, "sync failed: \(result.stderr)")
    #expect(
      result.stderrLines.contains { $0.hasPrefix("warning: skipping invalid ticket:") && $0.contains(ref) },
      "\(result.stderr)")
    #expect(SyncSummary(result.stdout) != nil, "\(result.stdout)")
    #expect(try home.refs("refs/draft/") == localBefore)
    #expect(try home.showText(mine) == textBefore)
    #expect(try home.show(mine).title == "Mine")
    #expect(try home.ticketIDs() == [mine, bystander])
    // Sync never forces: the forged ref stays as it is on the remote.
    #expect(try Clone(path: remote).refs()[ref] == forgedTip)
  }

  /// The notes ref is as untrusted as the tickets: garbage there is reported and skipped, and
  /// the tickets still sync (and workers can still claim).
  @Test
  func garbageNotesOnTheRemoteDoNotStopTheSync() throws {
    let (sandbox, home, remote) = try board()
    try home.git("commit", "-q", "--allow-empty", "-m", "code")
    try home.git("notes", "--ref=draft", "add", "-m", #"{"kind":"mine"}"#, "HEAD")
    _ = try home.newTicket("Mine")
    try home.sync()
    let other = try sandbox.clone(remote, as: "other")
    let theirs = try other.newTicket("Theirs", "--state", "planned")
    try other.sync("push")
    let forger = Forger(remote: Clone(path: remote))
    try forger.remote.git("update-ref", "refs/notes/draft", try forger.blob("not a notes commit\n"))
    let notesBefore = try home.refs()["refs/notes/draft"]

    let result = try home.draft("sync")
    #expect(result.status == 0, "sync failed: \(result.stderr)")
    #expect(result.stderr.contains("refs/notes/draft"), "\(result.stderr)")
    #expect(try home.ticketIDs().contains(theirs))
    #expect(try home.refs()["refs/notes/draft"] == notesBefore)
    #expect(try home.git("notes", "--ref=draft", "show", "HEAD") == #"{"kind":"mine"}"#)
    let claimed = try other.draft("next", "--claim")
    #expect(claimed.status == 0, "next --claim failed: \(claimed.stderr)")
  }

  /// Sync validates what it sends as it validates what it receives: a local ref that is not a
  /// ticket (planted by hand, or by a broken tool) is reported and kept local, never spread.
  @Test
  func invalidLocalRefsAreNotPushed() throws {
    let (_, home, remote) = try board()
    let good = try home.newTicket("Good")
    let junk = try home.git("hash-object", "-w", "--stdin", input: Data("junk\n".utf8))
    let blobRef = "refs/draft/tickets/" + String(repeating: "e", count: 64)
    let namedRef = "refs/draft/tickets/not-a-ticket-id"
    try home.git("update-ref", blobRef, junk)
    try home.git("update-ref", namedRef, try home.git("rev-parse", "refs/draft/tickets/\(good)"))

    let result = try home.draft("sync")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(SyncSummary(result.stdout)?.pushed == 1, "\(result.stdout)")
    let onRemote = try remoteRefs(remote)
    #expect(onRemote["refs/draft/tickets/\(good)"] != nil)
    #expect(onRemote[blobRef] == nil, "a blob was pushed as a ticket")
    #expect(onRemote[namedRef] == nil, "a ref not named by a ticket id was pushed")
    #expect(result.stderr.contains(blobRef) && result.stderr.contains(namedRef), "\(result.stderr)")
    // Still local: sync deletes nothing.
    #expect(try home.refs()[blobRef] == junk)
  }

  /// A sync whose push was refused merges and pushes again; the summary still describes one
  /// sync, naming each invalid ticket once and counting each ticket once.
  @Test
  func aRetriedSyncCountsEachTicketOnce() throws {
    let (_, home, remote) = try board()
    let mine = try home.newTicket("Mine")
    let bystander = try home.newTicket("Bystander")
    try home.sync()
    _ = bystander
    let stranger = try Sandbox()
    let foreign = try stranger.home.newTicket("Impostor")
    let ref = "refs/draft/tickets/\(mine)"
    try stranger.home.git("push", "-q", "--force", remote, "refs/draft/tickets/\(foreign):\(ref)")
    try home.ok("comment", mine, "-m", "local change the remote refuses")

    let result = try home.draft("sync")
    #expect(result.status == 0)
    let summary = try #require(SyncSummary(result.stdout), "\(result.stdout)")
    #expect(summary.invalid == 1, "\(summary)")
    #expect(summary.unchanged == 1, "\(summary)")
    #expect(result.stderrLines.filter { $0.contains(ref) }.count == 1, "\(result.stderr)")
  }

  @Test func aTicketDeletedOnTheRemoteStaysLocalAndIsPushedBack() throws {
    let (sandbox, home, remote) = try board()
    let kept = try home.newTicket("Kept")
    let doomed = try home.newTicket("Deleted remotely", "--state", "planned")
    try home.ok("comment", doomed, "-m", "history worth keeping")
    try home.sync()
    let other = try sandbox.clone(remote, as: "other")
    try other.sync()
    let tip = try home.refs()["refs/draft/tickets/\(doomed)"]
    let text = try home.showText(doomed)

    try Clone(path: remote).git("update-ref", "-d", "refs/draft/tickets/\(doomed)")
    let summary = try home.sync()
    #expect(summary.pushed == 1, "\(summary)")
    #expect(try home.refs()["refs/draft/tickets/\(doomed)"] == tip)
    #expect(try home.showText(doomed) == text)
    #expect(try remoteRefs(remote)["refs/draft/tickets/\(doomed)"] == tip)

    // Deleted again; a clone that only pulls keeps its copy too.
    try Clone(path: remote).git("update-ref", "-d", "refs/draft/tickets/\(doomed)")
    try other.sync("pull")
    #expect(try other.ticketIDs() == [kept, doomed])
    try other.sync("push")
    #expect(try remoteRefs(remote)["refs/draft/tickets/\(doomed)"] == tip)
    try expectConverged([home, other], [kept, doomed])
  }

  @Test func notesMergeByTheUnionOfTheirLines() throws {
    let (sandbox, home, remote) = try board()
    try home.git("commit", "-q", "--allow-empty", "-m", "first")
    try home.git("commit", "-q", "--allow-empty", "-m", "second")
    try home.git("push", "-q", "-u", "origin", "main")
    _ = try home.newTicket("Evidence holder")
    try home.sync()
    let other = try sandbox.clone(remote, as: "other")
    try other.sync()

    // Both annotate the same commit; each also annotates something the other does not.
    try home.git(
      "notes", "--ref=draft", "add", "-m", #"{"kind":"shared"}"#, "-m", #"{"kind":"home"}"#, "HEAD")
    try home.git("notes", "--ref=draft", "append", "-m", #"{"kind":"home-2"}"#, "HEAD")
    try home.git("notes", "--ref=draft", "add", "-m", #"{"kind":"home-only"}"#, "HEAD~1")
    try other.git(
      "notes", "--ref=draft", "add", "-m", #"{"kind":"shared"}"#, "-m", #"{"kind":"other"}"#, "HEAD")
    let extra = try other.git("hash-object", "-w", "--stdin", input: Data("a blob\n".utf8))
    try other.git("notes", "--ref=draft", "add", "-m", #"{"kind":"other-only"}"#, extra)

    let first = try home.sync()
    #expect(first.pushed == 1, "\(first)")
    let second = try other.sync()
    #expect(second.notesMerged, "\(second)")
    #expect(second.pushed == 1, "\(second)")
    let third = try home.sync()
    #expect(third.notesMerged, "\(third)")
    #expect(third.pushed == 0, "\(third)")

    func lines(_ clone: Clone, _ object: String) throws -> [String] {
      try clone.git("notes", "--ref=draft", "show", object).split(separator: "\n").map(String.init)
    }
    for clone in [home, other] {
      let head = try lines(clone, "HEAD")
      #expect(
        Set(head) == [
          #"{"kind":"shared"}"#, #"{"kind":"home"}"#, #"{"kind":"home-2"}"#, #"{"kind":"other"}"#,
        ],
        "\(clone.path): \(head)")
      #expect(head.filter { $0.contains("shared") }.count == 1, "a line both had appears once: \(head)")
      #expect(try lines(clone, "HEAD~1") == [#"{"kind":"home-only"}"#])
      #expect(try lines(clone, extra) == [#"{"kind":"other-only"}"#])
      let log = try clone.git("log", "--notes=draft", "-1", "--format=%N")
      for kind in ["shared", "home", "home-2", "other"] {
        #expect(log.contains(#"{"kind":"\#(kind)"}"#), "git log --notes=draft lacks \(kind): \(log)")
      }
    }
    #expect(try home.refs()["refs/notes/draft"] == other.refs()["refs/notes/draft"])
    #expect(try remoteRefs(remote)["refs/notes/draft"] == home.refs()["refs/notes/draft"])
    #expect(try other.sync().pushed == 0)
  }
}
