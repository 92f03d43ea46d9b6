import Foundation
import Testing

/// Claims decided on a shared bare remote (and, offline, in one repository): each ticket is
/// worked once.
@Suite struct ClaimTests {
  /// A remote holding `tickets` planned tickets (made and synced by the sandbox's repository,
  /// "home"), plus `workers` clones of it that have synced the board.
  func fleet(tickets: Int, workers: Int) throws -> (
    home: Clone, ids: [String], workers: [Clone], remote: String
  ) {
    let sandbox = try Sandbox()
    let remote = try sandbox.bareRemote()
    try sandbox.git("remote", "add", "origin", remote)
    let home = sandbox.home
    let ids = try (0..<tickets).map { try home.newTicket("Job \($0)", "--state", "planned") }
    try home.sync()
    let clones = try (0..<workers).map { try sandbox.clone(remote, as: "worker\($0)") }
    for clone in clones { try clone.sync("pull") }
    return (home, ids, clones, remote)
  }

  /// What `claimed_by` says in `show --json`, as `email machine`, or nil.
  func holder(_ clone: Clone, _ id: String) throws -> String? {
    guard let claim = try clone.showJSON(id)["claimed_by"] as? [String: Any] else { return nil }
    return "\(claim["email"] as? String ?? "?") \(claim["machine"] as? String ?? "?")"
  }

  /// The machine name a clone claims under when `draft.machine` is not set: host and path.
  func machine(_ clone: Clone) -> String {
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, 255)
    return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + ":"
      + clone.path
  }

  @Test func ofSixClonesClaimingOneTicketAtOnceExactlyOneWins() throws {
    let (home, ids, workers, _) = try fleet(tickets: 1, workers: 6)
    let id = ids[0]
    let short = String(id.prefix(7))
    let outcomes = simultaneously(workers.count) { try workers[$0].draft("claim", id) }
    let results = try outcomes.map { try $0.get() }

    let winners = results.indices.filter { results[$0].status == 0 }
    try #require(winners.count == 1, "want one winner: \(results.map { "\($0.status) \($0.stderr)" })")
    let winner = winners[0]
    #expect(results[winner].stdout.hasPrefix("Claimed \(short) until "), "\(results[winner].stdout)")
    #expect(results[winner].stderr == "")
    for (index, result) in results.enumerated() where index != winner {
      expectError(
        result, 1, mentioning: ["is claimed by", "worker\(winner)@example.com", machine(workers[winner])])
    }

    // The remote recorded one claim, and everyone who syncs sees the same holder.
    try home.sync()
    for clone in [home] + workers { try clone.sync() }
    let expected = "worker\(winner)@example.com \(machine(workers[winner]))"
    for clone in [home] + workers { #expect(try holder(clone, id) == expected) }
    let history = try home.showJSON(id)["history"] as? [[String: Any]] ?? []
    #expect(history.filter { $0["action"] as? String == "claimed" }.count == 1, "\(history)")
    #expect(Set(try ([home] + workers).map { try $0.showText(id) }).count == 1)
  }

  @Test func fourWorkersDrainTwelveTicketsEachGrantedOnce() throws {
    let (home, ids, workers, _) = try fleet(tickets: 12, workers: 4)
    let outcomes = simultaneously(workers.count) { index -> (granted: [String], last: ProcessResult?) in
      var granted: [String] = []
      // Bounded: twelve tickets cannot take more than thirteen turns of one worker.
      for _ in 0..<(ids.count + 1) {
        let result = try workers[index].draft("next", "--claim", "--json")
        guard result.status == 0 else { return (granted, result) }
        let object = try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any]
        granted.append(object?["id"] as? String ?? "unreadable: \(result.stdout)")
      }
      return (granted, nil)
    }
    var granted: [String] = []
    for (index, outcome) in outcomes.enumerated() {
      let (mine, last) = try outcome.get()
      granted += mine
      let final = try #require(last, "worker\(index) never ran out of tickets")
      #expect(final.status == 1, "worker\(index) ended with \(final.status): \(final.stderr)")
      #expect(final.stdout == "null\n")
      #expect(final.stderr.hasPrefix("nothing is ready"), "\(final.stderr)")
    }
    #expect(granted.count == ids.count, "granted \(granted.count) claims for \(ids.count) tickets")
    #expect(Set(granted).count == granted.count, "a ticket was granted twice: \(granted.sorted())")
    #expect(Set(granted) == Set(ids), "missing: \(Set(ids).subtracting(granted))")

    // Every ticket is claimed by the worker that was granted it, as the remote says.
    try home.sync()
    for (index, outcome) in outcomes.enumerated() {
      for id in try outcome.get().granted {
        #expect(try holder(home, id) == "worker\(index)@example.com \(machine(workers[index]))")
      }
    }
    let left = try home.draft("next")
    #expect(left.status == 1)
    #expect(left.stderr.contains("claimed by"), "\(left.stderr)")
  }

  @Test func anExpiredClaimCanBeTakenOver() throws {
    let (_, ids, workers, _) = try fleet(tickets: 1, workers: 2)
    let (first, second) = (workers[0], workers[1])
    let id = ids[0]
    #expect(try first.ok("claim", id, "--lease", "1s").hasPrefix("Claimed"))
    // Let the one-second lease run out; the first worker is presumed dead.
    Thread.sleep(forTimeInterval: 2.2)
    // Once it has run out, the ticket is ready again for everyone.
    try second.sync()
    #expect(try second.showJSON(id)["claimed_by"] is NSNull)
    #expect(try second.show(id).ready)
    #expect(try second.ok("next").hasPrefix(String(id.prefix(7))))
    #expect(try second.ok("claim", id).hasPrefix("Claimed"))
    try first.sync()
    #expect(try holder(first, id) == "worker1@example.com \(machine(second))")
    // The new claim has the default thirty-minute lease: the first worker cannot take it back.
    expectError(try first.draft("claim", id), 1, mentioning: ["worker1@example.com"])
  }

  @Test func releaseLetsAnotherWorkerClaim() throws {
    let (home, ids, workers, _) = try fleet(tickets: 1, workers: 3)
    let (a, b, c) = (workers[0], workers[1], workers[2])
    let id = ids[0]
    try a.ok("claim", id)
    expectError(try b.draft("claim", id), 1, mentioning: ["worker0@example.com"])
    // Only the holder releases without --force.
    expectError(try b.draft("release", id), 1, mentioning: ["worker0@example.com", "--force"])
    #expect(try a.ok("release", id).hasPrefix("Released"))
    #expect(try a.showJSON(id)["claimed_by"] is NSNull)
    try b.sync("pull")
    #expect(try b.showJSON(id)["claimed_by"] is NSNull)
    #expect(try b.ok("claim", id).hasPrefix("Claimed"))
    expectError(try a.draft("claim", id), 1, mentioning: ["worker1@example.com"])
    // Anyone may force a release (for a worker that died), and then claim.
    #expect(try c.ok("release", "--force", id).hasPrefix("Released"))
    #expect(try c.ok("claim", id).hasPrefix("Claimed"))

    try home.sync()
    #expect(try holder(home, id) == "worker2@example.com \(machine(c))")
    let actions = (try home.showJSON(id)["history"] as? [[String: Any]] ?? []).compactMap {
      $0["action"] as? String
    }
    #expect(actions.filter { $0 == "claimed" }.count == 3, "\(actions)")
    #expect(actions.filter { $0 == "released" }.count == 2, "\(actions)")
  }

  @Test func renewingAndTheMachineName() throws {
    let (_, ids, workers, _) = try fleet(tickets: 2, workers: 2)
    let (a, b) = (workers[0], workers[1])
    // Claiming again renews: the holder is the same worker.
    try a.ok("claim", ids[0], "--lease", "10m")
    try a.ok("claim", ids[0], "--lease", "2h")
    let claim = try #require(try a.showJSON(ids[0])["claimed_by"] as? [String: Any])
    #expect(claim["machine"] as? String == machine(a))
    #expect(claim["name"] as? String == "worker0")
    let until = try #require(RFC3339Date(claim["until"] as? String))
    #expect(until.timeIntervalSinceNow > 90 * 60, "the renewal did not extend the lease: \(claim)")

    // draft.machine names the worker; the same email on the same named machine is one worker.
    try a.git("config", "draft.machine", "rig-7")
    try b.git("config", "draft.machine", "rig-7")
    try b.git("config", "user.email", "worker0@example.com")
    try a.ok("claim", ids[1])
    #expect((try a.showJSON(ids[1])["claimed_by"] as? [String: Any])?["machine"] as? String == "rig-7")
    #expect(try b.ok("claim", ids[1]).hasPrefix("Claimed"))
  }

  @Test func offlineClaimsAreExclusiveBetweenLocalProcesses() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.home.newTicket("Local job", "--state", "planned")
    // Six processes on one repository, each its own worker (identity and machine by environment).
    @Sendable func worker(_ index: Int) -> Clone {
      Clone(
        path: sandbox.repo,
        environment: [
          "GIT_AUTHOR_NAME": "Local \(index)", "GIT_AUTHOR_EMAIL": "local\(index)@example.com",
          "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "draft.machine", "GIT_CONFIG_VALUE_0": "box-\(index)",
        ], sandbox: sandbox)
    }
    let results = try simultaneously(6) { try worker($0).draft("claim", id) }.map { try $0.get() }
    let winners = results.indices.filter { results[$0].status == 0 }
    try #require(winners.count == 1, "\(results.map { "\($0.status) \($0.stderr)" })")
    for (index, result) in results.enumerated() where index != winners[0] {
      expectError(result, 1, mentioning: ["local\(winners[0])@example.com", "box-\(winners[0])"])
    }
    let claim = try sandbox.home.showJSON(id)["claimed_by"] as? [String: Any]
    #expect(claim?["machine"] as? String == "box-\(winners[0])")

    // Three local workers drain six more tickets with next --claim: each granted once.
    let more = try (0..<6).map { try sandbox.home.newTicket("Local \($0)", "--state", "planned") }
    let drained = simultaneously(3) { index -> [String] in
      var granted: [String] = []
      for _ in 0..<8 {
        let result = try worker(10 + index).draft("next", "--claim", "--json")
        guard result.status == 0 else { break }
        let object = try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any]
        granted.append(object?["id"] as? String ?? "unreadable")
      }
      return granted
    }
    let granted = try drained.flatMap { try $0.get() }
    #expect(granted.count == more.count, "\(granted)")
    #expect(Set(granted) == Set(more))
  }

  @Test func offlineIgnoresAConfiguredRemote() throws {
    let (home, ids, workers, remote) = try fleet(tickets: 1, workers: 1)
    let before = try Clone(path: remote).refs()
    try home.ok("claim", "--offline", ids[0])
    #expect(try Clone(path: remote).refs() == before, "an offline claim reached the remote")
    #expect(try holder(home, ids[0]) != nil)
    // The remote never heard of it: another clone claims through the remote.
    #expect(try workers[0].ok("claim", ids[0]).hasPrefix("Claimed"))
    expectError(try home.draft("claim", "--offline", "--remote", "origin", ids[0]), 129)
  }

  @Test func nextSkipsATicketClaimedElsewhereOnceSynced() throws {
    let sandbox = try Sandbox()
    let remote = try sandbox.bareRemote()
    try sandbox.git("remote", "add", "origin", remote)
    let urgent = try sandbox.home.newTicket("Urgent", "--state", "planned", "-p", "0")
    let later = try sandbox.home.newTicket("Later", "--state", "planned", "-p", "3")
    let styled = try sandbox.home.newTicket("Styled", "--state", "planned", "-p", "4", "-l", "ui")
    try sandbox.home.sync()
    let (a, b) = (try sandbox.clone(remote, as: "a"), try sandbox.clone(remote, as: "b"))
    try a.sync()
    try b.sync()
    func nextID(_ clone: Clone) throws -> String? {
      let result = try clone.draft("next", "--json")
      guard result.status == 0 else { return nil }
      return (try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])?["id"] as? String
    }
    #expect(try nextID(b) == urgent)

    try a.ok("claim", urgent)
    // b has not heard yet; once it syncs, the claimed ticket is skipped.
    #expect(try nextID(b) == urgent)
    try b.sync()
    #expect(try nextID(b) == later)
    #expect(try holder(b, urgent) == "a@example.com \(machine(a))")
    #expect(try b.show(urgent).ready == false)

    // With a label, next --claim only looks at tickets that carry it.
    let labelled = try b.draft("next", "--claim", "--label", "ui", "--json")
    #expect(labelled.status == 0, "\(labelled.stderr)")
    let labelledID = try JSONSerialization.jsonObject(with: labelled.stdoutBytes) as? [String: Any]
    #expect(labelledID?["id"] as? String == styled)

    // next --claim pulls first, so a worker that never synced still skips claimed tickets.
    let stale = try sandbox.clone(remote, as: "stale")
    try stale.sync("pull")
    try a.ok("claim", later)
    let nothing = try stale.draft("next", "--claim")
    #expect(nothing.status == 1)
    #expect(nothing.stdout == "")
    #expect(nothing.stderr.contains("all claimed by a, b"), "\(nothing.stderr)")

    try b.sync()
    let none = try b.draft("next")
    #expect(none.status == 1)
    #expect(none.stderr.contains("all claimed by a, b"), "\(none.stderr)")
  }
}

/// An RFC 3339 time as printed in JSON.
func RFC3339Date(_ text: String?) -> Date? {
  guard let text else { return nil }
  return try? Date(text, strategy: .iso8601)
}

@Suite struct SameWorkerClaimTests {
  /// Several processes of one worker (one clone, one machine name) drawing from the queue at
  /// once must still get different tickets: `next --claim` never takes over a claim, even the
  /// worker's own.
  @Test func concurrentNextClaimInOneCloneGrantsDistinctTickets() throws {
    let sandbox = try Sandbox()
    for n in 0..<6 { _ = try sandbox.newTicket("Task \(n)", "--state", "planned") }
    let repo = sandbox.repo
    let results = simultaneously(4) { _ in try runProcess(gitDraftBinary, ["next", "--claim"], in: repo) }
    let granted = results.compactMap { try? $0.get() }.filter { $0.status == 0 }
      .map { $0.stdout.split(separator: " ").first.map(String.init) ?? "" }
    #expect(granted.count == 4)
    #expect(Set(granted).count == 4, "one ticket granted twice: \(granted)")
    // An explicit claim by the same worker renews.
    let renewed = try sandbox.draft("claim", granted[0])
    #expect(renewed.status == 0, "\(renewed.stderr)")
  }
}
