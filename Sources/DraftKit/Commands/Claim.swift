import GitKit
import Glibc

/// What a claim attempt came to.
public enum ClaimResult: Sendable {
  case granted(Ticket)
  /// Someone else holds an unexpired claim.
  case held(Claim)
}

/// Where claims are decided: the remote (so machines that share it never take the same ticket)
/// or, with no remote, this repository (still exclusive between local processes).
public enum ClaimScope: Sendable, Equatable {
  /// The given remote, or the default one when there is one; else local.
  case automatic(remote: String?)
  case local
}

extension Draft {
  /// How long a claim lasts unless renewed: long enough for an agent run between renewals.
  public static let defaultLease: Int64 = 30 * 60
  static let claimAttempts = 8

  /// This worker's name in claims: `draft.machine` from git config, else the host name and
  /// this clone's path, so that two clones on one machine are two workers.
  public func machineName() throws -> String {
    if let name = try git({ try configuration().string("draft.machine") }), !name.isEmpty { return name }
    var buffer = [UInt8](repeating: 0, count: 256)
    var host = "unknown"
    if gethostname(&buffer, buffer.count - 1) == 0, let end = buffer.firstIndex(of: 0), end > 0 {
      host = String(decoding: buffer[..<end], as: UTF8.self)
    }
    var path = repository.workingDirectory ?? repository.commonDirectory
    while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    return String("\(host):\(path)".prefix(Limits.labelBytes))
  }

  /// Claims a ticket for `lease` seconds. With `renew`, a claim this worker already holds is
  /// extended; without it, any unexpired claim (this worker's too: another process of the same
  /// worker may have just taken it) means the ticket is held.
  public func claim(
    _ id: String, lease: Int64 = defaultLease, renew: Bool = true, scope: ClaimScope = .automatic(remote: nil)
  ) throws -> ClaimResult {
    guard lease > 0 else { throw DraftError(.invalidInput, "a lease must be longer than zero") }
    let (author, machine) = (try author(), try machineName())
    return try record(id, scope: scope) { current in
      if let held = current.ticket.activeClaim(), !(renew && held.isHeld(by: author, on: machine)) {
        throw Held(claim: held)
      }
      return [.claim(machine: machine, until: EntityStore.now() + lease)]
    }
  }

  /// Extends this worker's claim on a ticket it is working; writes nothing once the claim has
  /// ended (the run released it) or passed to someone else.
  public func renewClaim(_ id: String, lease: Int64, scope: ClaimScope) throws {
    let (author, machine) = (try author(), try machineName())
    _ = try record(id, scope: scope) { current in
      guard let held = current.ticket.activeClaim(), held.isHeld(by: author, on: machine) else { return [] }
      return [.claim(machine: machine, until: EntityStore.now() + lease)]
    }
  }

  /// Ends this machine's claim (`force`: anyone's).
  public func release(_ id: String, force: Bool = false, scope: ClaimScope = .automatic(remote: nil)) throws
    -> ClaimResult
  {
    let (author, machine) = (try author(), try machineName())
    return try record(id, scope: scope) { current in
      guard let held = current.ticket.activeClaim() else { return [] }
      if !force && !held.isHeld(by: author, on: machine) { throw Held(claim: held) }
      return [.release(machine: machine, force: force)]
    }
  }

  /// Claims the first ready ticket that nobody else takes first; with a remote, the board is
  /// pulled first so the queue is current.
  public func claimNext(
    label: String? = nil, lease: Int64 = defaultLease, scope: ClaimScope = .automatic(remote: nil)
  )
    throws -> NextResult
  {
    if case .automatic(let name) = scope, let remote = try claimRemote(name) {
      do {
        try fetchBoard(remote)
      } catch let error as DraftError {
        throw DraftError(
          error.kind, error.message + "; without the remote, --offline claims in this clone only")
      }
      var report = SyncReport(remote: remote.name)
      try mergeTracked(remote, author: try author(), into: &report)
    }
    let (board, result) = try next(label: label)
    guard case .ready(let queue) = result else { return result }
    var held = 0
    for ticket in queue {
      switch try claim(ticket.id, lease: lease, renew: false, scope: scope) {
      case .granted(let claimed): return .ready([claimed])
      case .held: held += 1
      }
    }
    return .nothingReady(
      "nothing is ready: the \(held) ready ticket\(held == 1 ? " was" : "s were") claimed by others first ("
        + "\(board.shortID(queue[0].id))\(queue.count > 1 ? ", ..." : ""))")
  }

  /// Writes ops to a ticket where claims are decided. Through a remote, the new commit is
  /// pushed with a lease on the remote's tip: if anyone else moved the ticket there first, the
  /// push is refused, the commit is dropped, and the decision is made again on what they wrote.
  private func record(
    _ id: String, scope: ClaimScope, makeOps: @escaping (TicketDetail) throws -> [Operation]
  )
    throws -> ClaimResult
  {
    do {
      guard case .automatic(let name) = scope, let remote = try claimRemote(name) else {
        let change = try change(id, makeOps: makeOps)
        return .granted(change.detail.ticket)
      }
      return try recordOnRemote(id, remote, makeOps: makeOps)
    } catch let held as Held {
      return .held(held.claim)
    }
  }

  private func recordOnRemote(_ id: String, _ remote: Remote, makeOps: (TicketDetail) throws -> [Operation])
    throws -> ClaimResult
  {
    let author = try author()
    let transport = GitTransport(repository: repository)
    let ref = tickets.refName(id)
    let tracking = remote.trackingRef(ref)
    for _ in 0..<Self.claimAttempts {
      // The remote's current version of this one ticket (a glob: absent there is no error).
      do {
        try transport.fetch(remote, ["+\(ref)*:\(tracking)*"])
      } catch let error as DraftError {
        let reason = error.message.hasSuffix(".") ? String(error.message.dropLast()) : error.message
        throw DraftError(error.kind, reason + "; without the remote, --offline claims in this clone only")
      }
      let theirs = try git { try repository.referenceTarget(tracking) }
      if let theirs { try tickets.merge(id: id, other: theirs, author: author) }
      guard let tip = try git({ try repository.referenceTarget(ref) }) else {
        throw DraftError(.notFound, "no ticket \(id)")
      }
      let entity = try tickets.read(id: id, tip: tip)
      let ops = try makeOps(try TicketReplay.replay(entity))
      if ops.isEmpty { return .granted(try detail(id: id).ticket) }
      let commit = try tickets.commit(ops, onto: entity, author: author)
      let outcomes = try transport.push(
        remote, ["\(commit.hex):\(ref)"], leases: ["--force-with-lease=\(ref):\(theirs?.hex ?? "")"])
      guard outcomes.contains(where: { $0.ref == ref && $0.accepted }) else { continue }
      try git { try repository.setReference(tracking, to: commit, message: "git-draft: pushed") }
      try tickets.merge(id: id, other: commit, author: author)
      return .granted(try detail(id: id).ticket)
    }
    throw DraftError(
      .git, "\(remote.name) kept changing ticket \(id.prefix(12)) while claiming it; try again")
  }

  /// The remote claims go through: the one named, else the default when one is configured.
  private func claimRemote(_ name: String?) throws -> Remote? {
    do {
      return try Remote.resolve(name, in: repository)
    } catch let error as DraftError where name == nil && error.kind == .invalidInput {
      return nil
    }
  }
}

/// Someone else holds the ticket: ends a claim attempt without writing anything.
struct Held: Error {
  var claim: Claim
}

/// Durations as people type them: `90s`, `30m`, `2h`, `1d`, or plain seconds.
public enum Duration {
  public static func seconds(_ text: String) throws -> Int64 {
    let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
    let unit = text.last.flatMap { units[$0] }
    let number = unit == nil ? Substring(text) : text.dropLast()
    guard let value = Int64(number), value > 0, value <= 366 * 86400 / (unit ?? 1) else {
      throw DraftError(.invalidInput, "invalid duration '\(text)'; use for example 90s, 30m, 2h or 1d")
    }
    return value * (unit ?? 1)
  }
}
