import DraftKit
import Foundation
import Testing

/// A small deterministic generator (SplitMix64): the same seed makes the same choices.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Three clones of one bare remote apply random operations and sync in random orders; once
/// every clone has synced until nothing moves, all three show every ticket identically.
@Suite struct ConvergenceTests {
  /// A bare remote and three clones of it, each with its own identity, in one directory.
  final class Fleet {
    let root: String
    let remote: String
    let clones: [Draft]
    let paths: [String]

    init(clones count: Int) throws {
      root =
        FileManager.default.temporaryDirectory.appendingPathComponent("draftkit-\(UUID().uuidString)").path
      remote = root + "/remote.git"
      try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
      try runGit(["init", "-q", "--bare", remote], in: root)
      var clones: [Draft] = []
      var paths: [String] = []
      for index in 0..<count {
        let path = root + "/clone\(index)"
        try runGit(["clone", "-q", remote, path], in: root)
        try runGit(["config", "user.name", "Clone \(index)"], in: path)
        try runGit(["config", "user.email", "clone\(index)@example.com"], in: path)
        clones.append(try Draft(at: path))
        paths.append(path)
      }
      self.clones = clones
      self.paths = paths
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
  }

  /// The seed: `DRAFT_CONVERGENCE_SEED` to replay a run, else a fresh one (printed either way).
  static func seed() -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["DRAFT_CONVERGENCE_SEED"], let seed = UInt64(text) {
      return seed
    }
    return UInt64.random(in: 0...UInt64.max)
  }

  static let rounds = 300
  static let labels = ["bug", "ui", "infra", "docs", "urgent"]

  @Test func threeClonesConvergeAfterRandomOperationsAndSyncs() throws {
    let seed = Self.seed()
    print("ConvergenceTests seed: \(seed) (DRAFT_CONVERGENCE_SEED=\(seed) replays it)")
    let tag = "[seed \(seed)]"
    var random = SeededGenerator(seed: seed)
    let fleet = try Fleet(clones: 3)
    let clones = fleet.clones

    // Tickets in the order they were made, and which of them each clone has seen.
    var created: [String] = []
    var known: [Set<String>] = Array(repeating: [], count: clones.count)
    var applied: [String: Int] = [:]
    var refused: [String: Int] = [:]
    var unexpected: [String] = []
    var merges = 0

    func pick(_ clone: Int) -> String? {
      let visible = created.filter { known[clone].contains($0) }
      return visible.isEmpty ? nil : visible[Int.random(in: 0..<visible.count, using: &random)]
    }

    func sync(_ clone: Int) throws -> SyncReport {
      let report = try clones[clone].sync()
      if !report.invalid.isEmpty || report.rejected > 0 {
        unexpected.append("sync of clone \(clone): \(report.summary) \(report.invalid.map(\.reason))")
      }
      known[clone] = Set(try clones[clone].board().tickets.map(\.id))
      merges += report.merged
      return report
    }

    /// One random operation on `clone`; returns its name.
    func operate(_ clone: Int, round: Int) throws -> String {
      let draft = clones[clone]
      guard let id = pick(clone), Int.random(in: 0..<12, using: &random) != 0 else {
        var request = NewTicket(title: "Ticket \(created.count) by clone \(clone)")
        request.state = Bool.random(using: &random) ? .planned : .proposed
        request.priority = Int.random(in: 0...4, using: &random)
        request.labels = [Self.labels.randomElement(using: &random)!]
        let id = try draft.create(request)
        created.append(id)
        known[clone].insert(id)
        return "create"
      }
      switch Int.random(in: 0..<11, using: &random) {
      case 0:
        var edit = TicketEdit()
        edit.title = "Title \(round) from clone \(clone)"
        try draft.edit(id, edit)
        return "title"
      case 1:
        var edit = TicketEdit()
        edit.body = "Body \(round) from clone \(clone)\nwith a second line"
        try draft.edit(id, edit)
        return "body"
      case 2:
        var edit = TicketEdit()
        edit.priority = Int.random(in: 0...4, using: &random)
        try draft.edit(id, edit)
        return "priority"
      case 3, 4:
        try draft.comment(id, "Comment \(round) from clone \(clone)")
        return "comment"
      case 5:
        var edit = TicketEdit()
        let label = Self.labels.randomElement(using: &random)!
        if Bool.random(using: &random) { edit.addLabels = [label] } else { edit.removeLabels = [label] }
        try draft.edit(id, edit)
        return "label"
      case 6:
        guard let other = pick(clone), other != id else { return "skip" }
        let relation = LinkRelation.allCases.randomElement(using: &random)!
        try draft.link(id, relation, other)
        return "link"
      case 7:
        let ticket = try draft.detail(id: id).ticket
        let links: [(LinkRelation, String)] =
          ticket.blockedBy.map { (.blockedBy, $0) } + ticket.related.map { (.related, $0) }
          + (ticket.parent.map { [(.parent, $0)] } ?? [])
        guard let (relation, other) = links.randomElement(using: &random) else { return "skip" }
        try draft.unlink(id, relation, other)
        return "unlink"
      case 8, 9:
        let state = try draft.detail(id: id).ticket.state
        try draft.move(id, to: state.allowedMoves.randomElement(using: &random)!)
        return "move"
      default:
        // Claims: mostly decided on the remote, sometimes only locally; releases too.
        let scope: ClaimScope = Int.random(in: 0..<3, using: &random) == 0 ? .local : .automatic(remote: nil)
        if Bool.random(using: &random) {
          _ = try draft.claim(id, scope: scope)
          return "claim"
        }
        _ = try draft.release(id, force: Int.random(in: 0..<4, using: &random) == 0, scope: scope)
        return "release"
      }
    }

    for round in 0..<Self.rounds {
      let clone = Int.random(in: 0..<clones.count, using: &random)
      for _ in 0..<Int.random(in: 1...3, using: &random) {
        do {
          applied[try operate(clone, round: round), default: 0] += 1
        } catch let error as DraftError where error.kind == .invalidInput {
          // A refused operation (a link cycle, say) is an answer, not a failure.
          refused[String(error.message.prefix(24)), default: 0] += 1
        } catch {
          unexpected.append("round \(round), clone \(clone): \(error)")
        }
      }
      if Int.random(in: 0..<3, using: &random) == 0 {
        // A few clones sync, in a random order.
        for syncing in (0..<clones.count).shuffled(using: &random).prefix(
          Int.random(in: 1...3, using: &random))
        {
          _ = try sync(syncing)
        }
      }
    }

    // Everyone syncs until a whole pass moves nothing anywhere.
    var quiet = false
    for _ in 0..<8 where !quiet {
      quiet = true
      for clone in clones.indices {
        let report = try sync(clone)
        if report.new + report.updated + report.merged + report.pushed > 0 || report.notesMerged {
          quiet = false
        }
      }
    }
    #expect(quiet, "\(tag) the clones never stopped exchanging changes")
    #expect(unexpected.isEmpty, "\(tag) \(unexpected.prefix(10))")
    let conflicts = try clones[0].board().tickets.reduce(0) { $0 + $1.conflictCount }
    print(
      "ConvergenceTests: \(created.count) tickets, \(merges) merges, \(conflicts) conflicting ops; applied "
        + "\(applied.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }); refused \(refused)")

    // Same tickets everywhere, each printed identically, nothing unreadable.
    for (index, draft) in clones.enumerated() {
      let board = try draft.board()
      #expect(board.invalid.isEmpty, "\(tag) clone \(index): \(board.invalid.map(\.reason))")
      #expect(Set(board.tickets.map(\.id)) == Set(created), "\(tag) clone \(index) holds other tickets")
    }
    var differing: [String] = []
    for id in created {
      let prints = try clones.map { try fingerprint($0, id) }
      if Set(prints).count != 1 { differing.append(id) }
      if differing.count == 1 && differing.last == id {
        Issue.record("\(tag) clones differ on \(id):\n\(prints.joined(separator: "\n---\n"))")
      }
    }
    #expect(differing.isEmpty, "\(tag) \(differing.count) of \(created.count) tickets differ")
    // The merges really happened: concurrent work was exchanged, not just one clone's.
    #expect(applied["create", default: 0] > 10, "\(tag)")
    #expect(applied.count >= 10, "\(tag) \(applied)")
    #expect(merges > 10, "\(tag) only \(merges) merges")
  }
}
