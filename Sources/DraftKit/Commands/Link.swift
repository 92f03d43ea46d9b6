/// The links `git draft link` makes, named from the first ticket's side.
public enum LinkRelation: String, Sendable, CaseIterable {
  case blocks
  case blockedBy = "blocked-by"
  case parent, related
}

extension Draft {
  /// Links `id` to `other`. A blocking or parent link that would close a cycle is refused and
  /// the cycle is named.
  @discardableResult
  public func link(_ id: String, _ relation: LinkRelation, _ other: String) throws -> Change {
    guard id != other else { throw DraftError(.invalidInput, "a ticket cannot be linked to itself") }
    let board = try board()
    let (holder, kind, target) = Self.storage(id, relation, other)
    switch kind {
    case .blockedBy:
      if let path = Self.path(from: target, to: holder, in: board, following: { $0.blockedBy }) {
        throw DraftError(.invalidInput, "refusing a blocking cycle: \(cycleText([holder] + path, board))")
      }
    case .parent:
      if let path = Self.path(
        from: target, to: holder, in: board, following: { $0.parent.map { [$0] } ?? [] })
      {
        throw DraftError(.invalidInput, "refusing a parent cycle: \(cycleText([holder] + path, board))")
      }
    case .related: break
    }
    return try change(holder) { current in
      let ticket = current.ticket
      switch kind {
      case .blockedBy: return ticket.blockedBy.contains(target) ? [] : [.link(.blockedBy, target: target)]
      case .parent: return ticket.parent == target ? [] : [.link(.parent, target: target)]
      case .related:
        let linked = ticket.related.contains(target) || board.ticket(target)?.related.contains(holder) == true
        return linked ? [] : [.link(.related, target: target)]
      }
    }
  }

  /// Removes a link made by `link`; a link that is not there is an error.
  @discardableResult
  public func unlink(_ id: String, _ relation: LinkRelation, _ other: String) throws -> Change {
    let (holder, kind, target) = Self.storage(id, relation, other)
    if kind == .related {
      // A related link may have been written on either side: remove it wherever it is.
      let board = try board()
      let sides = [(id, other), (other, id)].filter { board.ticket($0.0)?.related.contains($0.1) == true }
      guard !sides.isEmpty else { throw notLinked(id, relation, other, board) }
      var last: Change?
      for (holder, target) in sides {
        last = try change(holder) { current in
          current.ticket.related.contains(target) ? [.unlink(.related, target: target)] : []
        }
      }
      return try Change(detail: detail(id: id), changed: last?.changed ?? false)
    }
    let result = try change(holder) { current in
      let present =
        kind == .blockedBy ? current.ticket.blockedBy.contains(target) : current.ticket.parent == target
      guard present else { throw try notLinked(id, relation, other, board()) }
      return [.unlink(kind, target: target)]
    }
    return holder == id ? result : Change(detail: try detail(id: id), changed: result.changed)
  }

  /// Which ticket holds the link op, of which kind, pointing where.
  static func storage(_ id: String, _ relation: LinkRelation, _ other: String) -> (String, LinkKind, String) {
    switch relation {
    case .blocks: (other, .blockedBy, id)
    case .blockedBy: (id, .blockedBy, other)
    case .parent: (id, .parent, other)
    case .related: (id, .related, other)
    }
  }

  /// A path of ids from `start` to `goal` along `edges`, or nil.
  static func path(
    from start: String, to goal: String, in board: Board, following edges: (Ticket) -> [String]
  )
    -> [String]?
  {
    var previous: [String: String] = [start: start]
    var queue = [start]
    while !queue.isEmpty {
      let current = queue.removeFirst()
      if current == goal {
        var path = [goal]
        while path.last != start { path.append(previous[path.last!]!) }
        return path.reversed()
      }
      for next in board.ticket(current).map(edges) ?? [] where previous[next] == nil {
        previous[next] = current
        queue.append(next)
      }
    }
    return nil
  }

  private func cycleText(_ ids: [String], _ board: Board) -> String {
    ids.map { board.shortID($0) }.joined(separator: " → ")
  }

  private func notLinked(_ id: String, _ relation: LinkRelation, _ other: String, _ board: Board)
    -> DraftError
  {
    DraftError(
      .invalidInput,
      "\(board.shortID(id)) has no \(relation.rawValue) link to \(board.shortID(other)); 'git draft show \(board.shortID(id))' lists its links"
    )
  }
}
