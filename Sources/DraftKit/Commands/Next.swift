/// What `git draft next` found.
public enum NextResult: Sendable {
  /// The ready queue in order (`next` prints the first, `--all` all of them).
  case ready([Ticket])
  /// Nothing is ready; the reason is one line for a person.
  case nothingReady(String)
}

extension Draft {
  /// The ready queue: planned, every blocker done, unclaimed; most urgent first, then oldest.
  public func next(label: String? = nil) throws -> (board: Board, result: NextResult) {
    let board = try board()
    let candidates = board.tickets.filter { ticket in label.map(ticket.labels.contains) ?? true }
    let ready = TicketQuery().sorted(candidates.filter(board.isReady))
    if !ready.isEmpty { return (board, .ready(ready)) }
    return (board, .nothingReady(Self.whyNothingIsReady(candidates, board: board, label: label)))
  }

  static func whyNothingIsReady(_ candidates: [Ticket], board: Board, label: String?) -> String {
    let scope = label.map { " labelled \($0)" } ?? ""
    let planned = candidates.filter { $0.state == .planned }
    if planned.isEmpty {
      let proposed = candidates.filter { $0.state == .proposed }.count
      let hint =
        proposed > 0
        ? " (\(proposed) proposed: 'git draft move ID planned' plans one)"
        : "; 'git draft new --state planned TITLE' adds one"
      return "nothing is ready: no planned tickets\(scope)\(hint)"
    }
    var blockers: [String: Int] = [:]
    for ticket in planned { for id in board.openBlockers(of: ticket) { blockers[id, default: 0] += 1 } }
    let named = blockers.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3).map {
      board.shortID($0.key)
    }
    let more = blockers.count > 3 ? " and \(blockers.count - 3) more" : ""
    let count =
      planned.count == 1
      ? "1 planned ticket\(scope), blocked" : "\(planned.count) planned tickets\(scope), all blocked"
    return "nothing is ready: \(count) by \(named.joined(separator: ", "))\(more)"
  }
}
