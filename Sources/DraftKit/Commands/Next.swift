/// What `git draft next` found.
public enum NextResult: Sendable {
  /// The ready queue in order (`next` prints the first, `--all` all of them).
  case ready([Ticket])
  /// Nothing is ready; the reason is one line for a person.
  case nothingReady(String)
}

extension Draft {
  /// The ready queue: planned, every blocker done, unclaimed; most urgent first, then oldest.
  /// Only planned tickets can be ready, so only those are decoded, unless `complete` asks for
  /// a whole board (reverse links such as `blocks` in JSON need every ticket).
  public func next(label: String? = nil, complete: Bool = false) throws -> (board: Board, result: NextResult)
  {
    let board =
      complete ? try board() : try board(selecting: { Set($0.filter { $0.state == .planned }.map(\.id)) })
    let planned = board.tickets.filter { $0.state == .planned && (label.map($0.labels.contains) ?? true) }
    let ready = TicketQuery().sorted(planned.filter(board.isReady))
    if !ready.isEmpty { return (board, .ready(ready)) }
    return (board, .nothingReady(Self.whyNothingIsReady(planned, board: board, label: label)))
  }

  static func whyNothingIsReady(_ planned: [Ticket], board: Board, label: String?) -> String {
    let scope = label.map { " labelled \($0)" } ?? ""
    if planned.isEmpty {
      // Proposed tickets are counted from summaries, whatever their labels.
      let proposed = label == nil ? board.summaries.filter { $0.state == .proposed }.count : 0
      let hint =
        proposed > 0
        ? " (\(proposed) proposed: 'git draft move ID planned' plans one)"
        : "; 'git draft new --state planned TITLE' adds one"
      return "nothing is ready: no planned tickets\(scope)\(hint)"
    }
    // Every planned ticket is claimed, blocked, or both.
    let claimed = planned.filter { $0.activeClaim() != nil }
    var blockers: [String: Int] = [:]
    for ticket in planned where ticket.activeClaim() == nil {
      for id in board.openBlockers(of: ticket) { blockers[id, default: 0] += 1 }
    }
    let tickets = planned.count == 1 ? "1 planned ticket\(scope)" : "\(planned.count) planned tickets\(scope)"
    var reasons: [String] = []
    if !claimed.isEmpty {
      let holders = Set(claimed.compactMap { $0.activeClaim()?.holder.name }).sorted()
      let all = claimed.count == planned.count ? (planned.count == 1 ? "" : "all ") : "\(claimed.count) "
      reasons.append("\(all)claimed by \(holders.prefix(3).map(Terminal.clean).joined(separator: ", "))")
    }
    if !blockers.isEmpty {
      let named = blockers.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3).map {
        board.shortID($0.key)
      }
      let more = blockers.count > 3 ? " and \(blockers.count - 3) more" : ""
      let blocked = planned.count - claimed.count
      let all = claimed.isEmpty ? (planned.count == 1 ? "" : "all ") : "\(blocked) "
      reasons.append("\(all)blocked by \(named.joined(separator: ", "))\(more)")
    }
    return "nothing is ready: \(tickets), \(reasons.joined(separator: "; "))"
  }
}
