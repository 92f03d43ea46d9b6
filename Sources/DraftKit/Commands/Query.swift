/// A `git draft list` query: `state:S label:L priority:N author:TEXT is:ready sort:KEY` and
/// free words matched in title and body. Terms on one key are alternatives (any state given);
/// different keys and words must all match. Labels must all be present.
public struct TicketQuery: Sendable, Equatable {
  public enum Sort: String, Sendable, CaseIterable {
    /// Most urgent first, then oldest: the order `next` hands work out.
    case priority
    /// Newest first.
    case created
    /// Most recently changed first.
    case updated
  }

  public var states: Set<WorkflowState> = []
  public var labels: [String] = []
  public var priorities: Set<Int> = []
  public var authors: [String] = []
  public var readyOnly = false
  public var words: [String] = []
  public var sort: Sort = .priority
  /// Include done and abandoned tickets when no state is asked for.
  public var includeClosed = false

  public init() {}

  public init(parsing terms: [String], includeClosed: Bool = false) throws {
    self.includeClosed = includeClosed
    for term in terms {
      guard let colon = term.firstIndex(of: ":") else {
        words.append(term.lowercased())
        continue
      }
      let key = term[..<colon].lowercased()
      let value = String(term[term.index(after: colon)...])
      switch key {
      case "state": states.insert(try WorkflowState(parsing: value))
      case "label": labels.append(value)
      case "priority": priorities.insert(try Priority.parse(value))
      case "author": authors.append(value.lowercased())
      case "is":
        guard value.lowercased() == "ready" else {
          throw DraftError(.invalidInput, "unknown query term '\(term)'; did you mean is:ready?")
        }
        readyOnly = true
      case "sort":
        guard let sort = Sort(rawValue: value.lowercased()) else {
          throw DraftError(
            .invalidInput,
            "unknown sort '\(value)'; use \(Sort.allCases.map { "sort:\($0.rawValue)" }.joined(separator: ", "))"
          )
        }
        self.sort = sort
      default:
        words.append(term.lowercased())
      }
    }
  }

  public func matches(_ ticket: Ticket, on board: Board) -> Bool {
    if states.isEmpty {
      if ticket.state.isClosed && !includeClosed { return false }
    } else if !states.contains(ticket.state) {
      return false
    }
    if !priorities.isEmpty && !priorities.contains(ticket.priority) { return false }
    if !labels.allSatisfy(ticket.labels.contains) { return false }
    if !authors.isEmpty {
      let author = "\(ticket.author.name) <\(ticket.author.email)>".lowercased()
      if !authors.contains(where: author.contains) { return false }
    }
    if readyOnly && !board.isReady(ticket) { return false }
    if !words.isEmpty {
      let title = ticket.title.lowercased()
      let body = ticket.body.lowercased()
      if !words.allSatisfy({ title.contains($0) || body.contains($0) }) { return false }
    }
    return true
  }

  /// `tickets` (in id order, as the board holds them) in this query's order; ties keep id
  /// order, so the order is total.
  public func sorted(_ tickets: [Ticket]) -> [Ticket] {
    sorted(tickets) { ($0.priority, $0.createdAt, $0.updatedAt) }
  }

  public func sorted(_ summaries: [TicketSummary]) -> [TicketSummary] {
    sorted(summaries) { ($0.priority, $0.createdAt, $0.updatedAt) }
  }

  /// Sorting integer keys, not the items, keeps it cheap.
  private func sorted<Item>(_ items: [Item], _ fields: (Item) -> (Int, Int64, Int64)) -> [Item] {
    var keys: [(Int64, Int64, Int)] = []
    keys.reserveCapacity(items.count)
    for (index, item) in items.enumerated() {
      let (priority, created, updated) = fields(item)
      switch sort {
      case .priority: keys.append((Int64(priority), created, index))
      case .created: keys.append((-created, 0, index))
      case .updated: keys.append((-updated, 0, index))
      }
    }
    keys.sort { $0 < $1 }
    return keys.map { items[$0.2] }
  }
}

extension Draft {
  public func list(_ query: TicketQuery) throws -> (board: Board, tickets: [Ticket]) {
    let board = try board()
    return (board, query.sorted(board.tickets.filter { query.matches($0, on: board) }))
  }
}
