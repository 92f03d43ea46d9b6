import GitKit

/// What a pull, push or sync did, for a one-line summary.
public struct SyncReport: Sendable {
  public var remote: String
  public var new = 0
  public var updated = 0
  public var merged = 0
  public var unchanged = 0
  /// Tickets the remote sent that could not be read: reported, skipped, nothing local touched.
  public var invalid: [InvalidTicket] = []
  public var pushed = 0
  /// Refs the remote refused because it moved meanwhile (a sync merges and tries again).
  public var rejected = 0
  public var notesMerged = false
  /// Ids whose remote version could not be merged: pushing them would only be refused.
  var unmergeable: Set<String> = []

  /// Adds a later round of the same sync: changes add up; what is unchanged, invalid or
  /// refused is as the last round found it.
  mutating func add(_ round: SyncReport) {
    let changedBefore = new + updated + merged
    new += round.new
    updated += round.updated
    merged += round.merged
    pushed += round.pushed
    unchanged = max(0, round.unchanged - changedBefore)
    invalid = round.invalid
    rejected = round.rejected
    notesMerged = notesMerged || round.notesMerged
  }

  public var summary: String {
    var parts = [
      "\(new) new", "\(updated) updated", "\(merged) merged", "\(unchanged) unchanged",
      "\(invalid.count) invalid",
    ]
    if notesMerged { parts.append("notes merged") }
    var line = "\(remote): " + parts.joined(separator: ", ") + "; pushed \(pushed)"
    if rejected > 0 { line += ", \(rejected) rejected" }
    return line
  }
}

extension Draft {
  static let ticketsGlob = "refs/draft/tickets/*"
  static let syncRounds = 5

  /// Fetches the remote's board into the tracking refs and merges every ticket and the notes.
  public func pull(from remote: String? = nil) throws -> SyncReport {
    let remote = try Remote.resolve(remote, in: repository)
    let author = try author()
    var report = SyncReport(remote: remote.name)
    try fetchBoard(remote)
    try mergeTracked(remote, author: author, into: &report)
    return report
  }

  /// Pushes local changes (fast-forwards only); refused refs are reported, never forced.
  public func push(to remote: String? = nil) throws -> SyncReport {
    let remote = try Remote.resolve(remote, in: repository)
    var report = SyncReport(remote: remote.name)
    try pushChanged(remote, into: &report)
    if report.rejected > 0 {
      throw DraftError(
        .invalidInput,
        "\(remote.name) refused \(report.rejected) ticket(s) it has newer changes for; run 'git draft sync \(remote.name)'"
      )
    }
    return report
  }

  /// Pull, then push; when the remote moved in between, pull and push again (a few times).
  public func sync(with remote: String? = nil) throws -> SyncReport {
    let remote = try Remote.resolve(remote, in: repository)
    let author = try author()
    var report = SyncReport(remote: remote.name)
    for _ in 0..<Self.syncRounds {
      var round = SyncReport(remote: remote.name)
      try fetchBoard(remote)
      try mergeTracked(remote, author: author, into: &round)
      try pushChanged(remote, into: &round)
      report.add(round)
      if round.rejected == 0 { break }
    }
    return report
  }

  func fetchBoard(_ remote: Remote) throws {
    try GitTransport(repository: repository).fetch(
      remote,
      [
        "+refs/draft/*:\(remote.trackingPrefix)draft/*",
        "+\(Notes.ref)*:\(remote.trackingRef(Notes.ref))*",
      ])
  }

  /// Every tracked ticket merged into the local board. The remote's refs are untrusted: each
  /// is validated by the merge, and one that fails is reported and skipped.
  func mergeTracked(_ remote: Remote, author: Person, into report: inout SyncReport) throws {
    let local = try referenceMap(Self.ticketsGlob)
    let trackingTickets = remote.trackingPrefix + "draft/tickets/"
    var pending: [(id: String, tip: ObjectID)] = []
    try git {
      try repository.forEachReference(matching: trackingTickets + "*") { name, tip in
        let id = String(decoding: name[trackingTickets.utf8.count...], as: UTF8.self)
        guard EntityStore.isEntityID(id) else {
          let ref = String(decoding: name, as: UTF8.self)
          return report.invalid.append(InvalidTicket(ref: ref, reason: "\(ref) is not named by a ticket id"))
        }
        if local[id] == tip { report.unchanged += 1 } else { pending.append((id, tip)) }
      }
    }
    // Tickets new here are checked, then created all at once: one packed-refs write instead
    // of a file per ref, which is what makes a first pull of thousands of tickets quick.
    var created: [Reference] = []
    pending.removeAll { id, tip in
      guard local[id] == nil else { return false }
      do {
        _ = try tickets.read(id: id, tip: tip)
        created.append(Reference(name: tickets.refName(id), target: tip))
      } catch let error as DraftError {
        report.invalid.append(
          InvalidTicket(ref: trackingTickets + id, reason: "from \(remote.name): \(error.message)"))
      } catch {
        return false
      }
      return true
    }
    do {
      try git { try repository.createPackedReferences(created) }
      report.new += created.count
    } catch {
      // Someone created some of them meanwhile: merge those one by one instead.
      pending += created.map { (String($0.name.dropFirst(tickets.refPrefix.count)), $0.target) }
    }
    for (id, tip) in pending {
      do {
        switch try tickets.merge(id: id, other: tip, author: author).outcome {
        case .unchanged: report.unchanged += 1
        case .created: report.new += 1
        case .fastForwarded: report.updated += 1
        case .merged: report.merged += 1
        }
      } catch let error as DraftError where error.kind == .corrupt {
        report.invalid.append(
          InvalidTicket(ref: trackingTickets + id, reason: "from \(remote.name): \(error.message)"))
        report.unmergeable.insert(id)
      }
    }
    try mergeRevisionPins(remote, into: &report)
    // Notes are untrusted too: bad ones are reported and left out, the sync goes on.
    do {
      report.notesMerged = try Notes(repository: repository).merge(
        remote.trackingRef(Notes.ref), author: author)
    } catch let error as DraftError {
      let ref = remote.trackingRef(Notes.ref)
      report.invalid.append(
        InvalidTicket(
          ref: ref, reason: "\(remote.name)'s \(Notes.ref) cannot be merged, left out: \(error.message)"))
      report.unmergeable.insert(Notes.ref)
    }
  }

  /// Pushes every local ticket (and the notes) whose tip differs from what the remote was last
  /// seen to have, then records what it accepted in the tracking refs.
  func pushChanged(_ remote: Remote, into report: inout SyncReport) throws {
    // Only valid tickets travel: a bad ref here must not become every other clone's warning,
    // and one whose remote version could not be merged would only be refused.
    let invalid = try board(selecting: { _ in [] }).invalid
    report.invalid += invalid.map {
      InvalidTicket(ref: $0.ref, reason: "kept here, not pushed: \($0.reason)")
    }
    let held = Set(invalid.map(\.ref)).union(report.unmergeable.map { tickets.refName($0) })
    let local = try referenceMap(Self.ticketsGlob).filter {
      EntityStore.isEntityID($0.key) && !held.contains(tickets.refName($0.key))
    }
    let tracked = try referenceMap(
      remote.trackingPrefix + "draft/tickets/*", dropping: remote.trackingPrefix + "draft/tickets/")
    var refs = local.filter { tracked[$0.key] != $0.value }.map {
      (name: tickets.refName($0.key), tip: $0.value)
    }
    if !report.unmergeable.contains(Notes.ref),
      let notes = try git({ try repository.referenceTarget(Notes.ref) }),
      try git({ try repository.referenceTarget(remote.trackingRef(Notes.ref)) }) != notes
    {
      refs.append((Notes.ref, notes))
    }
    let trackedPins = try referenceMap(
      remote.trackingPrefix + Self.revisionsGlob.dropFirst(5), dropping: remote.trackingPrefix)
    refs += try referenceMap(Self.revisionsGlob, dropping: "refs/").filter { trackedPins[$0.key] == nil }.map
    {
      (name: "refs/" + $0.key, tip: $0.value)
    }
    guard !refs.isEmpty else { return }
    // Thousands of refspecs would overflow a command line: past a few hundred, push the
    // namespace (less what is held back) and let git skip what the remote already has.
    let refspecs =
      refs.count > 300
      ? ["refs/draft/tickets/*:refs/draft/tickets/*", "\(Self.revisionsGlob):\(Self.revisionsGlob)"]
        + held.sorted().map { "^" + $0 }
        + (refs.contains { $0.name == Notes.ref } ? ["\(Notes.ref):\(Notes.ref)"] : [])
      : refs.map { "\($0.name):\($0.name)" }
    let outcomes = try GitTransport(repository: repository).push(remote, refspecs)
    let tips = Dictionary(refs.map { ($0.name, $0.tip) }, uniquingKeysWith: { first, _ in first })
    var accepted: [Reference] = []
    for outcome in outcomes {
      guard outcome.accepted else {
        report.rejected += 1
        continue
      }
      guard let tip = tips[outcome.ref] else { continue }
      if outcome.reason != "[up to date]" { report.pushed += 1 }
      accepted.append(Reference(name: remote.trackingRef(outcome.ref), target: tip))
    }
    // Many tracking refs at once go into packed-refs in one write, as new tickets do.
    try git {
      if accepted.count > 20 {
        try repository.setPackedReferences(accepted)
      } else {
        for ref in accepted {
          try repository.setReference(ref.name, to: ref.target, message: "git-draft: pushed")
        }
      }
    }
  }

  static let revisionsGlob = "refs/draft/revisions/*"

  /// Revision pins (`refs/draft/revisions/<ticket>/<commit>`) the remote has and this clone
  /// lacks. They never change, so there is nothing to merge; a name that does not match its
  /// target, or a target that is not a commit, is reported and left out.
  func mergeRevisionPins(_ remote: Remote, into report: inout SyncReport) throws {
    let prefix = remote.trackingPrefix + "draft/revisions/"
    let local = try referenceMap(Self.revisionsGlob, dropping: "refs/draft/revisions/")
    var created: [Reference] = []
    for (name, target) in try referenceMap(prefix + "*", dropping: prefix) where local[name] == nil {
      let parts = name.split(separator: "/")
      guard parts.count == 2, EntityStore.isEntityID(String(parts[0])), parts[1] == target.hex,
        (try? git({ try repository.readCommit(target) })) != nil
      else {
        report.invalid.append(
          InvalidTicket(
            ref: prefix + name, reason: "from \(remote.name): \(prefix + name) is not a revision pin"))
        continue
      }
      created.append(Reference(name: "refs/draft/revisions/" + name, target: target))
    }
    try git { try repository.createPackedReferences(created) }
  }

  /// Ids (the part of each ref name after `dropping`) and tips of the refs matching `glob`.
  func referenceMap(_ glob: String, dropping prefix: String = "refs/draft/tickets/") throws -> [String:
    ObjectID]
  {
    var map: [String: ObjectID] = [:]
    try git {
      try repository.forEachReference(matching: glob) { name, tip in
        map[String(decoding: name[prefix.utf8.count...], as: UTF8.self)] = tip
      }
    }
    return map
  }
}
