/// Replays a ticket's op packs, in the entity's deterministic order, into its state.
enum TicketReplay {
  static func replay(_ entity: Entity) throws -> TicketDetail {
    guard let root = entity.commits.first,
      case .create(let title, let body, let state, let priority, _)? = root.pack.ops.first
    else { throw DraftError(.corrupt, "ticket \(entity.id) does not start with a create op") }
    let ticket = Ticket(
      id: entity.id, title: title, body: body, state: state, priority: priority, author: root.pack.author,
      createdAt: root.pack.time, updatedAt: root.pack.time)
    var comments: [Comment] = []
    var revisions: [Revision] = []
    var feedback: [Feedback] = []
    var history: [HistoryEntry] = []
    var labels = Set<String>()
    var blockedBy = Set<String>()
    var related = Set<String>()

    for (index, commit) in entity.commits.enumerated() {
      let pack = commit.pack
      for (position, op) in pack.ops.enumerated() {
        try Self.validate(op, ticket: entity.id, isFirst: index == 0 && position == 0)
        var entry = HistoryEntry(action: "", author: pack.author, at: pack.time)
        switch op {
        case .create(_, _, let state, let priority, _):
          entry.action = "created"
          entry.to = state.rawValue
          entry.detail = "priority \(priority)"
        case .setTitle(let value):
          entry.action = "edited title"
          entry.from = ticket.title
          entry.to = value
          ticket.title = value
        case .setBody(let value):
          entry.action = "edited body"
          ticket.body = value
        case .setPriority(let value):
          entry.action = "set priority"
          entry.from = String(ticket.priority)
          entry.to = String(value)
          ticket.priority = value
        case .addLabel(let label):
          entry.action = "labeled"
          entry.detail = label
          labels.insert(label)
        case .removeLabel(let label):
          entry.action = "unlabeled"
          entry.detail = label
          labels.remove(label)
        case .move(let from, let to, let reason):
          entry.action = "moved"
          entry.from = from.rawValue
          entry.to = to.rawValue
          entry.detail = reason
          if ticket.state != from {
            entry.conflict =
              "concurrent move: the ticket was \(ticket.state.rawValue) here, not \(from.rawValue)"
          } else if !from.canMove(to: to) {
            entry.conflict = "\(from.rawValue) → \(to.rawValue) is not an allowed move"
          } else {
            ticket.state = to
          }
        case .comment(let body, let author, let at):
          entry.action = "commented"
          entry.author = author ?? pack.author
          entry.at = at ?? pack.time
          comments.append(Comment(author: author ?? pack.author, body: body, createdAt: at ?? pack.time))
        case .link(let kind, let target):
          entry.action = "linked"
          entry.detail = "\(kind.rawValue) \(target)"
          switch kind {
          case .blockedBy: blockedBy.insert(target)
          case .parent: ticket.parent = target
          case .related: related.insert(target)
          }
        case .unlink(let kind, let target):
          entry.action = "unlinked"
          entry.detail = "\(kind.rawValue) \(target)"
          switch kind {
          case .blockedBy: blockedBy.remove(target)
          case .parent: if ticket.parent == target { ticket.parent = nil }
          case .related: related.remove(target)
          }
        case .claim(let machine, let until):
          entry.action = "claimed"
          entry.detail = "on \(machine) until \(RFC3339.format(until))"
          // Decided by the pack's own time, not the reader's clock: every clone agrees.
          if let held = ticket.claim, held.until > pack.time, !held.isHeld(by: pack.author, on: machine) {
            entry.conflict = "already claimed by \(held.display)"
          } else {
            ticket.claim = Claim(holder: pack.author, machine: machine, until: until)
          }
        case .release(let machine, let force):
          entry.action = "released"
          if force, let held = ticket.claim { entry.detail = "forced, ending \(held.display)" }
          if let held = ticket.claim,
            force || held.until <= pack.time || held.isHeld(by: pack.author, on: machine)
          {
            ticket.claim = nil
          } else {
            entry.conflict = ticket.claim.map { "claimed by \($0.display)" } ?? "it was not claimed"
          }
        case .revision(var revision):
          revision.number = revisions.count + 1
          revision.at = pack.time
          entry.action = "revision"
          entry.detail = "\(revision.number) \(revision.outcome.rawValue) by \(revision.executor)"
          let addressed = Set(revision.addressed ?? [])
          for index in feedback.indices where feedback[index].addressedBy == nil {
            if addressed.contains(feedback[index].id) { feedback[index].addressedBy = revision.number }
          }
          revisions.append(revision)
        case .feedback(var item):
          item.author = pack.author
          item.at = pack.time
          item.revisionNumber = revisions.last(where: { $0.head == item.revision })?.number ?? 0
          entry.action = item.kind.historyAction
          if item.revisionNumber > 0 {
            entry.detail = (item.kind == .approve ? "" : "on ") + "revision \(item.revisionNumber)"
          }
          feedback.append(item)
        }
        if entry.conflict != nil { ticket.conflictCount += 1 }
        history.append(entry)
      }
      if !pack.ops.isEmpty { ticket.updatedAt = max(ticket.updatedAt, pack.time) }
    }
    ticket.labels = labels.sorted()
    ticket.blockedBy = blockedBy.sorted()
    ticket.related = related.sorted()
    ticket.commentCount = comments.count
    return TicketDetail(
      ticket: ticket, comments: comments, history: history, revisions: revisions, feedback: feedback,
      tip: entity.tip)
  }

  /// Schema checks on ops read from refs: a value no command could have written makes the
  /// whole ticket invalid rather than half-applied.
  static func validate(_ op: Operation, ticket: String, isFirst: Bool) throws {
    func bad(_ reason: String) -> DraftError {
      DraftError(.corrupt, "refs/draft/tickets/\(ticket) is not a valid git-draft entity: \(reason)")
    }
    switch op {
    case .create(let title, let body, _, let priority, _):
      guard isFirst else { throw bad("a create op after the first") }
      try TicketText.check(title: title).orThrow(bad)
      try TicketText.check(body: body).orThrow(bad)
      guard Priority.range.contains(priority) else { throw bad("priority \(priority) is out of range") }
    default:
      guard !isFirst else { throw bad("the first op is not a create op") }
    }
    switch op {
    case .create: break
    case .setTitle(let title): try TicketText.check(title: title).orThrow(bad)
    case .setBody(let body): try TicketText.check(body: body).orThrow(bad)
    case .setPriority(let priority):
      guard Priority.range.contains(priority) else { throw bad("priority \(priority) is out of range") }
    case .addLabel(let label), .removeLabel(let label): try TicketText.check(label: label).orThrow(bad)
    case .move(_, _, let reason):
      if let reason, reason.utf8.count > Limits.reasonBytes { throw bad("a move reason is too long") }
    case .comment(let body, _, _): try TicketText.check(body: body).orThrow(bad)
    case .link(_, let target), .unlink(_, let target):
      guard EntityStore.isEntityID(target), target != ticket else {
        throw bad("a link to '\(target.prefix(80))'")
      }
    case .claim(let machine, _), .release(let machine, _):
      guard !machine.isEmpty, machine.utf8.count <= Limits.labelBytes else {
        throw bad("a claim's machine name")
      }
    case .revision(let revision): try revision.problem().orThrow(bad)
    case .feedback(let feedback): try feedback.problem().orThrow(bad)
    }
  }
}

/// Rules for the text a ticket holds; the same rules guard commands and reads of refs.
enum TicketText {
  /// Returns the reason text is unacceptable, or nil.
  static func check(title: String) -> String? {
    if title.allSatisfy(\.isWhitespace) { return "the title is empty" }
    if title.utf8.count > Limits.titleBytes { return "the title is over \(Limits.titleBytes) bytes" }
    return nil
  }

  static func check(body: String) -> String? {
    body.utf8.count > Limits.bodyBytes ? "the text is over \(Limits.bodyBytes) bytes" : nil
  }

  static func check(label: String) -> String? {
    if label.isEmpty { return "a label is empty" }
    if label.utf8.count > Limits.labelBytes { return "a label is over \(Limits.labelBytes) bytes" }
    if label.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0 == "," }) {
      return "the label '\(label)' contains a space, comma or control character"
    }
    return nil
  }
}

extension Optional where Wrapped == String {
  /// Throws the error `make` builds from the reason, when there is one.
  func orThrow(_ make: (String) -> DraftError) throws {
    if let reason = self { throw make(reason) }
  }
}

extension Feedback.Kind {
  var historyAction: String {
    switch self {
    case .comment: "commented"
    case .requestChanges: "requested changes"
    case .approve: "approved"
    case .conflict: "merge conflict"
    }
  }
}
