import FoundationEssentials

/// The `--json` contract for a ticket (`list`, `show`, `new`, `next`, `export`): snake_case
/// names in a fixed order, `null` for absent values (never a missing key).
public enum TicketJSON {
  /// `comments`, `history`, `revisions` and `feedback` are included when given (`show` gives
  /// them all, `export` comments).
  public static func object(
    _ ticket: Ticket, board: Board, comments: [Comment]? = nil, history: [HistoryEntry]? = nil,
    revisions: [Revision]? = nil, feedback: [Feedback]? = nil
  ) -> JSONValue {
    var fields: [(String, JSONValue)] = [
      ("id", .string(ticket.id)),
      ("short_id", .string(board.shortID(ticket.id))),
      ("title", .string(ticket.title)),
      ("body", .string(ticket.body)),
      ("state", .string(ticket.state.rawValue)),
      ("priority", .int(ticket.priority)),
      ("labels", strings(ticket.labels)),
      ("blocked_by", strings(ticket.blockedBy)),
      ("blocks", strings(board.blocks(ticket.id))),
      ("parent", ticket.parent.map(JSONValue.string) ?? .null),
      ("children", strings(board.children(of: ticket.id))),
      ("related", strings(board.related(ticket))),
      ("claimed_by", ticket.activeClaim().map(claim) ?? .null),
      ("ready", .bool(board.isReady(ticket))),
      ("author", person(ticket.author)),
      ("created_at", .string(RFC3339.format(ticket.createdAt))),
      ("updated_at", .string(RFC3339.format(ticket.updatedAt))),
    ]
    if let comments {
      fields.append(
        (
          "comments",
          .array(
            comments.map {
              .object([
                ("author", person($0.author)), ("body", .string($0.body)),
                ("created_at", .string(RFC3339.format($0.createdAt))),
              ])
            })
        ))
    }
    if let history {
      fields.append(("history", .array(history.map(entry))))
    }
    if let revisions {
      fields.append(("revisions", .array(revisions.map(RevisionJSON.object))))
    }
    if let feedback {
      fields.append(("feedback", .array(feedback.map(ReviewJSON.feedback))))
    }
    return .object(fields)
  }

  static func entry(_ entry: HistoryEntry) -> JSONValue {
    func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    return .object([
      ("action", .string(entry.action)), ("author", person(entry.author)),
      ("at", .string(RFC3339.format(entry.at))),
      ("from", text(entry.from)), ("to", text(entry.to)), ("detail", text(entry.detail)),
      ("conflict", text(entry.conflict)),
    ])
  }

  static func claim(_ claim: Claim) -> JSONValue {
    .object([
      ("name", .string(claim.holder.name)), ("email", .string(claim.holder.email)),
      ("machine", .string(claim.machine)), ("until", .string(RFC3339.format(claim.until))),
    ])
  }

  static func person(_ person: Person) -> JSONValue {
    .object([("name", .string(person.name)), ("email", .string(person.email))])
  }

  static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
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
