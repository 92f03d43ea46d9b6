import FoundationEssentials

/// The `--json` contract for a ticket (`list`, `show`, `new`, `export`). Field names are
/// snake_case; absent values are `null`, never missing.
public struct TicketJSON: Codable, Sendable, Equatable {
  public struct CommentJSON: Codable, Sendable, Equatable {
    public var author: Person
    public var body: String
    public var created_at: String
  }

  public struct HistoryJSON: Codable, Sendable, Equatable {
    public var action: String
    public var author: Person
    public var at: String
    public var from: String?
    public var to: String?
    public var detail: String?
    public var conflict: String?
  }

  public var id: String
  public var short_id: String
  public var title: String
  public var body: String
  public var state: String
  public var priority: Int
  public var labels: [String]
  public var blocked_by: [String]
  public var blocks: [String]
  public var parent: String?
  public var children: [String]
  public var related: [String]
  public var claimed_by: String?
  public var ready: Bool
  public var author: Person
  public var created_at: String
  public var updated_at: String
  public var comments: [CommentJSON]?
  public var history: [HistoryJSON]?

  /// `comments` and `history` are included when given (`show` gives both, `export` comments).
  public init(_ ticket: Ticket, board: Board, comments: [Comment]? = nil, history: [HistoryEntry]? = nil) {
    id = ticket.id
    short_id = board.shortID(ticket.id)
    title = ticket.title
    body = ticket.body
    state = ticket.state.rawValue
    priority = ticket.priority
    labels = ticket.labels
    blocked_by = ticket.blockedBy
    blocks = board.blocks(ticket.id)
    parent = ticket.parent
    children = board.children(of: ticket.id)
    related = board.related(ticket)
    claimed_by = nil
    ready = board.isReady(ticket)
    author = ticket.author
    created_at = RFC3339.format(ticket.createdAt)
    updated_at = RFC3339.format(ticket.updatedAt)
    self.comments = comments?.map {
      CommentJSON(author: $0.author, body: $0.body, created_at: RFC3339.format($0.createdAt))
    }
    self.history = history?.map {
      HistoryJSON(
        action: $0.action, author: $0.author, at: RFC3339.format($0.at), from: $0.from, to: $0.to,
        detail: $0.detail, conflict: $0.conflict)
    }
  }

  private enum CodingKeys: String, CodingKey {
    case id, short_id, title, body, state, priority, labels, blocked_by, blocks, parent, children, related
    case claimed_by, ready, author, created_at, updated_at, comments, history
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(short_id, forKey: .short_id)
    try c.encode(title, forKey: .title)
    try c.encode(body, forKey: .body)
    try c.encode(state, forKey: .state)
    try c.encode(priority, forKey: .priority)
    try c.encode(labels, forKey: .labels)
    try c.encode(blocked_by, forKey: .blocked_by)
    try c.encode(blocks, forKey: .blocks)
    try c.encode(parent, forKey: .parent)
    try c.encode(children, forKey: .children)
    try c.encode(related, forKey: .related)
    try c.encode(claimed_by, forKey: .claimed_by)
    try c.encode(ready, forKey: .ready)
    try c.encode(author, forKey: .author)
    try c.encode(created_at, forKey: .created_at)
    try c.encode(updated_at, forKey: .updated_at)
    try c.encodeIfPresent(comments, forKey: .comments)
    try c.encodeIfPresent(history, forKey: .history)
  }
}

/// JSON for people and scripts: readable indentation, keys in contract order, `/` unescaped.
public enum OutputJSON {
  public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}

/// Timestamps as RFC 3339 in UTC (`2026-11-21T05:06:27Z`).
public enum RFC3339 {
  public static func format(_ seconds: Int64) -> String {
    Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
  }

  public static func parse(_ text: String) -> Int64? {
    (try? Date(text, strategy: .iso8601)).map { Int64($0.timeIntervalSince1970) }
  }
}
