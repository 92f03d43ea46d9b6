import GitKit
import Glibc

/// What `git draft gc` did (in a dry run: would do), one action a line, then a summary.
public struct GarbageReport: Sendable {
  public struct Action: Sendable, Equatable {
    public enum Kind: String, Sendable {
      case worktree, branch, kept, worktreeEntry, runFile, claim, refs

      /// What was done to the thing, and what would be.
      var verbs: (done: String, planned: String) {
        switch self {
        case .worktree, .runFile: ("removed", "would remove")
        case .branch: ("deleted", "would delete")
        case .kept: ("kept", "would keep")
        case .worktreeEntry: ("pruned", "would prune")
        case .claim: ("released", "would release")
        case .refs: ("packed", "would pack")
        }
      }
    }

    public var kind: Kind
    /// The whole line, starting with its verb.
    public var description: String
  }

  public var dryRun: Bool
  public var actions: [Action] = []
  /// The loose refs packed (or that would be).
  public var packedRefs = 0
  /// In a dry run: how the other steps would change the number of loose refs (a deleted
  /// branch takes one away, a released claim writes one), so the count to pack is exact.
  var looseChange = 0

  mutating func add(_ kind: Action.Kind, _ object: String) {
    let verbs = kind.verbs
    actions.append(Action(kind: kind, description: (dryRun ? verbs.planned : verbs.done) + " " + object))
  }

  /// `gc: removed 2 worktrees, 2 branches; released 1 expired claim; pruned 3 stale files; packed 412 refs`.
  public var summary: String {
    func count(_ kinds: Action.Kind...) -> Int { actions.filter { kinds.contains($0.kind) }.count }
    func counted(_ number: Int, _ noun: String, _ plural: String? = nil) -> String {
      "\(number) \(number == 1 ? noun : plural ?? noun + "s")"
    }
    func verb(_ kind: Action.Kind) -> String { dryRun ? kind.verbs.planned : kind.verbs.done }
    var parts: [String] = []
    let (worktrees, branches) = (count(.worktree), count(.branch))
    if worktrees + branches > 0 {
      parts.append(
        "\(verb(.worktree)) \(counted(worktrees, "worktree")), \(counted(branches, "branch", "branches"))")
    }
    if count(.claim) > 0 { parts.append("\(verb(.claim)) \(counted(count(.claim), "expired claim"))") }
    let stale = count(.worktreeEntry, .runFile)
    if stale > 0 { parts.append("\(verb(.worktreeEntry)) \(counted(stale, "stale file"))") }
    if packedRefs > 0 { parts.append("\(verb(.refs)) \(counted(packedRefs, "ref"))") }
    if count(.kept) > 0 { parts.append("\(verb(.kept)) \(count(.kept)) in place (see above)") }
    return "gc: " + (parts.isEmpty ? "nothing to do" : parts.joined(separator: "; "))
  }
}

extension Draft {
  /// Cleans up after finished work: the worktrees and branches of done and abandoned tickets,
  /// worktree entries and run files nothing uses any more, claims that have expired (released,
  /// so the board stops naming a dead holder), and loose refs (packed). Work that is not saved
  /// anywhere else is kept and reported. `dryRun` only reports.
  public func collectGarbage(dryRun: Bool) throws -> GarbageReport {
    var report = GarbageReport(dryRun: dryRun)
    let board = try board()
    try pruneWorktrees(into: &report)
    try removeFinishedWork(board, into: &report)
    try removeStaleRunFiles(into: &report)
    try releaseExpiredClaims(board, into: &report)
    try packReferences(into: &report)
    return report
  }

  /// The worktrees and branches (`draft/<8 hex>-<slug>`) of done and abandoned tickets.
  private func removeFinishedWork(_ board: Board, into report: inout GarbageReport) throws {
    let worktrees = try worktrees()
    let mainBranch = worktrees.first?.branch
    let currentBranch = repository.currentBranch()
    let draftBranches = try git { try repository.references(matching: "refs/heads/draft/*") }
      .map { String($0.name.dropFirst("refs/heads/".count)) }
    // Not from RunSettings: a bad draft.timeout must not stop a clean-up.
    let localCopies = try git { try configuration().strings("draft.copyFiles") }
    let branches = Set(draftBranches + worktrees.compactMap(\.branch).filter { $0.hasPrefix("draft/") })
    for branch in branches.sorted() {
      // git-draft names branches with exactly 8 digits of the id.
      guard let prefix = Self.ticketPrefix(ofBranch: branch), prefix.utf8.count == 8 else { continue }
      let ids = Board.idsWithPrefix(prefix, in: board.allIDs)
      if ids.count > 1 {
        report.add(.kept, "\(branch): \(prefix) begins \(ids.count) ticket ids, so its ticket is unknown")
        continue
      }
      guard let id = ids.first, let ticket = board.ticket(id),
        ticket.state == .done || ticket.state == .abandoned
      else { continue }
      let short = board.shortID(id)
      let detail = try detail(id: id)
      let target = try detail.revisions.last.flatMap { revision in
        try git { try repository.referenceTarget("refs/heads/" + revision.target) }
      }
      if branch == mainBranch || branch == currentBranch {
        report.add(
          .kept, "\(branch): it is checked out in \(branch == mainBranch ? "the main" : "this") working tree")
      } else if Self.livePID(inMarker: runsDirectory + "/\(id).pid") != nil {
        report.add(.kept, "\(branch): a run of \(short) is in progress")
      } else if let tip = try git({ try repository.referenceTarget("refs/heads/" + branch) }),
        try !isSaved(tip, ticket: id, target: target)
      {
        report.add(
          .kept,
          "\(branch): its tip \(tip.hex.prefix(12)) is in no revision of \(short) and not merged; "
            + "'git branch -D \(branch)' drops it")
      } else {
        let copied = try (target.map { try team(at: $0).copyFiles } ?? []) + localCopies
        let removal = try removeWorktree(
          branch: branch, deleteBranch: true, copied: copied, dryRun: report.dryRun)
        if let kept = removal.kept { report.add(.kept, "\(branch): \(kept)") }
        // In a dry run, the entries of deleted directories are still there: the prune reported them.
        if let path = removal.removedWorktree, !report.dryRun || FileSystem.exists(path) {
          report.add(.worktree, "worktree \(path) (\(short) is \(ticket.state.rawValue))")
        }
        if let deleted = removal.deletedBranch {
          report.add(.branch, "branch \(deleted)")
          if isLoose("refs/heads/" + deleted) { report.looseChange -= 1 }
        }
      }
    }
  }

  /// True when deleting a branch at `tip` loses no commit: a revision of the ticket or the
  /// branch its work targets has it.
  private func isSaved(_ tip: ObjectID, ticket id: String, target: ObjectID?) throws -> Bool {
    try git {
      if let target, try repository.contains(tip, in: target) { return true }
      return try repository.references(matching: "refs/draft/revisions/\(id)/*").contains {
        try repository.contains(tip, in: $0.target)
      }
    }
  }

  /// Entries git keeps for worktrees whose directories are gone.
  private func pruneWorktrees(into report: inout GarbageReport) throws {
    let pruned = try withWorktreeLock {
      try runGit(
        ["worktree", "prune", "--verbose"] + (report.dryRun ? ["--dry-run"] : []),
        in: repository.commonDirectory)
    }
    for line in pruned.errors.split(separator: "\n") where line.hasPrefix("Removing ") {
      report.add(.worktreeEntry, "worktree entry " + line.dropFirst("Removing ".count))
    }
  }

  /// Files in `.git/draft/runs` left by runs that ended without cleaning up (killed): a
  /// ticket's files (`<id>.pid`, `.prompt`, `.message`, ...) when its marker names no live
  /// process, and a scratch `team-config.<pid>` whose process is gone.
  private func removeStaleRunFiles(into report: inout GarbageReport) throws {
    for name in Self.names(in: runsDirectory).sorted() {
      let path = runsDirectory + "/" + name
      let stale: Bool
      if name.hasPrefix("team-config."), let pid = pid_t(name.dropFirst("team-config.".count)) {
        stale = !Self.isLive(pid)
      } else if let dot = name.firstIndex(of: "."), EntityStore.isEntityID(String(name[..<dot])) {
        stale = Self.livePID(inMarker: runsDirectory + "/\(name[..<dot]).pid") == nil
      } else {
        continue
      }
      guard stale, FileSystem.kind(path) == S_IFREG else { continue }
      if !report.dryRun { try FileSystem.remove(path) }
      report.add(.runFile, "stale run file \(path)")
    }
  }

  /// Releases every claim that has expired, whatever the ticket's state: replay accepts a
  /// release of an expired claim from anyone. The commits are written as one pack; each ref
  /// then moves only if nobody changed the ticket meanwhile (if someone did, it is decided
  /// again on what they wrote).
  private func releaseExpiredClaims(_ board: Board, into report: inout GarbageReport) throws {
    let now = EntityStore.now()
    let expired = board.tickets.filter { $0.claim != nil && $0.activeClaim(at: now) == nil }
    guard !expired.isEmpty else { return }
    func describe(_ ticket: Ticket, _ claim: Claim) -> String {
      "expired claim on \(board.shortID(ticket.id)) (\(claim.display))"
    }
    if report.dryRun {
      for ticket in expired {
        report.add(.claim, describe(ticket, ticket.claim!))
        if !isLoose(tickets.refName(ticket.id)) { report.looseChange += 1 }
      }
      return
    }
    let (author, release) = (try author(), Operation.release(machine: try machineName(), force: false))
    let written = try git {
      try repository.batchWrites {
        try expired.compactMap { ticket -> (ticket: Ticket, tip: ObjectID, commit: ObjectID)? in
          guard let tip = try repository.referenceTarget(tickets.refName(ticket.id)) else { return nil }
          let entity = try tickets.read(id: ticket.id, tip: tip)
          let current = try TicketReplay.replay(entity).ticket
          guard current.claim != nil, current.activeClaim() == nil else { return nil }
          return (current, tip, try tickets.commit([release], onto: entity, author: author))
        }
      }
    }
    for (ticket, tip, commit) in written {
      do {
        try repository.updateReference(
          tickets.refName(ticket.id), to: commit, expecting: tip, message: "git-draft: gc")
      } catch let error as GitError where error.isRace {
        let change = try change(ticket.id) { current in
          current.ticket.claim != nil && current.ticket.activeClaim() == nil ? [release] : []
        }
        guard change.changed else { continue }
      } catch let error as GitError {
        throw DraftError.from(error)
      }
      report.add(.claim, describe(ticket, ticket.claim!))
    }
  }

  /// `git pack-refs --all`: the board's thousands of loose ref files become lines of one file.
  private func packReferences(into report: inout GarbageReport) throws {
    let refs = TicketWorktree.trimmed(repository.commonDirectory) + "/refs"
    let loose = Self.looseReferences(in: refs) + report.looseChange
    guard loose > 0 else { return }
    if !report.dryRun { try runGit(["pack-refs", "--all"], in: repository.commonDirectory) }
    report.packedRefs = report.dryRun ? loose : loose - Self.looseReferences(in: refs)
    if report.packedRefs > 0 {
      report.add(.refs, "\(report.packedRefs) loose ref\(report.packedRefs == 1 ? "" : "s")")
    }
  }

  /// The loose refs under `directory` that `git pack-refs` packs: files, but not symbolic refs.
  private static func looseReferences(in directory: String) -> Int {
    names(in: directory).reduce(0) { total, name in
      let path = directory + "/" + name
      switch FileSystem.kind(path) {
      case S_IFDIR: return total + looseReferences(in: path)
      case S_IFREG: return total + (readFile(path)?.starts(with: Array("ref:".utf8)) == false ? 1 : 0)
      default: return total
      }
    }
  }

  private func isLoose(_ ref: String) -> Bool {
    FileSystem.kind(TicketWorktree.trimmed(repository.commonDirectory) + "/" + ref) == S_IFREG
  }

  /// The names in a directory, without `.` and `..`; none when it cannot be read.
  private static func names(in directory: String) -> [String] {
    guard let stream = opendir(directory) else { return [] }
    defer { closedir(stream) }
    var names: [String] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }
}
