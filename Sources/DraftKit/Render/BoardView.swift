/// `git draft board`: tickets as columns by state, fitted to the terminal's width. When the
/// columns would be too narrow to read, each state is printed as a section instead.
public struct BoardView: Sendable {
  public var states: [WorkflowState]
  public var width: Int
  /// Cards shown per column; the rest are counted. Zero shows all.
  public var limit: Int
  public var palette: Palette

  static let minimumColumn = 16
  static let gap = 2

  public init(states: [WorkflowState], width: Int, limit: Int, palette: Palette) {
    self.states = states
    self.width = width
    self.limit = limit
    self.palette = palette
  }

  /// The tickets a column shows, most urgent first, by state: the view is computed from the
  /// summaries of all tickets, so only the cards shown need decoding.
  func columns(_ summaries: [TicketSummary]) -> [(WorkflowState, [TicketSummary])] {
    var byState: [WorkflowState: [TicketSummary]] = [:]
    for summary in summaries { byState[summary.state, default: []].append(summary) }
    return states.map { ($0, TicketQuery().sorted(byState[$0] ?? [])) }
  }

  /// The ids of the cards this view shows: what a board for it must decode.
  public func cards(_ summaries: [TicketSummary]) -> Set<String> {
    Set(columns(summaries).flatMap { shown($0.1).map(\.id) })
  }

  public func render(_ board: Board) -> String {
    var columns = columns(board.summaries)
    // Too many columns for the width: empty ones go first, then columns become sections.
    if columnWidth(columns.count) < Self.minimumColumn { columns = columns.filter { !$0.1.isEmpty } }
    if columns.isEmpty { return "no tickets in \(states.map(\.rawValue).joined(separator: ", "))" }
    let columnWidth = columnWidth(columns.count)
    if columnWidth < Self.minimumColumn { return sections(columns, board) }

    var cells: [[String]] = columns.map { state, tickets in
      var cell = [
        palette.state(
          state, Terminal.pad("\(state.rawValue.uppercased()) (\(tickets.count))", to: columnWidth))
      ]
      cell.append(String(repeating: "─", count: columnWidth))
      cell += shown(tickets).compactMap { board.ticket($0.id) }.map { card($0, board, width: columnWidth) }
      if hidden(tickets) > 0 {
        cell.append(palette.dim(Terminal.pad("+\(hidden(tickets)) more", to: columnWidth)))
      }
      return cell
    }
    let height = cells.map(\.count).max() ?? 0
    for index in cells.indices {
      cells[index] += Array(
        repeating: String(repeating: " ", count: columnWidth), count: height - cells[index].count)
    }
    let spacer = String(repeating: " ", count: Self.gap)
    return (0..<height).map { row in
      var line = cells.map { $0[row] }.joined(separator: spacer)
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }.joined(separator: "\n")
  }

  private func columnWidth(_ count: Int) -> Int { (width - Self.gap * (count - 1)) / max(count, 1) }

  private func sections(_ columns: [(WorkflowState, [TicketSummary])], _ board: Board) -> String {
    columns.map { state, tickets in
      var lines = [palette.state(state, "\(state.rawValue.uppercased()) (\(tickets.count))")]
      lines += shown(tickets).compactMap { board.ticket($0.id) }.map { ticket in
        var line = "  " + card(ticket, board, width: max(width - 2, Self.minimumColumn))
        while line.hasSuffix(" ") { line.removeLast() }
        return line
      }
      if hidden(tickets) > 0 { lines.append(palette.dim("  +\(hidden(tickets)) more")) }
      return lines.joined(separator: "\n")
    }.joined(separator: "\n\n")
  }

  private func shown(_ tickets: [TicketSummary]) -> ArraySlice<TicketSummary> {
    limit > 0 ? tickets.prefix(limit) : tickets[...]
  }
  private func hidden(_ tickets: [TicketSummary]) -> Int { limit > 0 ? max(tickets.count - limit, 0) : 0 }

  /// `abc1234 P1 Title…`, exactly `width` columns.
  private func card(_ ticket: Ticket, _ board: Board, width: Int) -> String {
    let id = board.shortID(ticket.id)
    let prefix = "\(id) P\(ticket.priority) "
    let title = Terminal.truncate(Terminal.clean(ticket.title), to: max(width - Terminal.width(prefix), 1))
    let text = Terminal.pad(title, to: max(width - Terminal.width(prefix), 0))
    return palette.id(id) + " " + palette.priority(ticket.priority, "P\(ticket.priority)") + " " + text
  }
}
