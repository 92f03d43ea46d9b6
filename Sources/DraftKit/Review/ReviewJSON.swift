/// The `--json` contract of `git draft review`: snake_case keys in a fixed order, `null` for
/// absent values.
public enum ReviewJSON {
  public static func object(_ review: ReviewSummary) -> JSONValue {
    let ticket = review.detail.ticket
    let revisions = review.revisions.map { entry -> JSONValue in
      guard case .object(var fields) = RevisionJSON.object(entry.revision) else { return .null }
      let results = entry.verification.map { record -> JSONValue in
        .object([
          ("command", .string(record.command ?? "")),
          ("exit_code", record.exitCode.map(JSONValue.int) ?? .null),
          ("duration_ms", record.durationMS.map(JSONValue.int) ?? .null),
        ])
      }
      fields.append(("verification", .array(results)))
      return .object(fields)
    }
    let comments = review.comments.map { entry -> JSONValue in
      guard case .object(var fields) = feedback(entry.feedback) else { return .null }
      fields += location(entry.status)
      return .object(fields)
    }
    return .object([
      ("id", .string(ticket.id)), ("short_id", .string(review.shortID)), ("title", .string(ticket.title)),
      ("state", .string(ticket.state.rawValue)), ("revisions", .array(revisions)),
      ("decisions", .array(review.decisions.map(feedback))), ("comments", .array(comments)),
      ("approved_revision", review.approved.map { .int($0.number) } ?? .null),
      (
        "totals",
        .object([
          ("cost_usd", review.costUSD.flatMap(JSONValue.number) ?? .null),
          ("input_tokens", .int(review.inputTokens)), ("output_tokens", .int(review.outputTokens)),
          ("duration_ms", .int(review.durationMS)),
        ])
      ),
      ("next", .string(review.next)),
    ])
  }

  /// One piece of feedback: what was said about which revision (number and commit), by whom.
  public static func feedback(_ item: Feedback) -> JSONValue {
    let anchor = item.anchor.map { anchor -> JSONValue in
      .object([
        ("path", .string(anchor.path)), ("start_line", .int(anchor.startLine)),
        ("end_line", .int(anchor.endLine)), ("lines", .array(anchor.lines.map(JSONValue.string))),
      ])
    }
    return .object([
      ("id", .string(item.id)), ("kind", .string(item.kind.rawValue)),
      ("revision", .int(item.revisionNumber)),
      ("commit", .string(item.revision)), ("author", TicketJSON.person(item.author)),
      ("at", .string(RFC3339.format(item.at))), ("body", .string(item.body)), ("anchor", anchor ?? .null),
      ("addressed_by", item.addressedBy.map(JSONValue.int) ?? .null),
    ])
  }

  /// `status` (unanchored, current or outdated) and, when current, where the lines are now.
  static func location(_ status: AnchorStatus) -> [(String, JSONValue)] {
    switch status {
    case .unanchored: [("status", .string("unanchored")), ("now", .null)]
    case .outdated: [("status", .string("outdated")), ("now", .null)]
    case .current(let revision, let start, let end):
      [
        ("status", .string("current")),
        (
          "now",
          .object([("revision", .int(revision)), ("start_line", .int(start)), ("end_line", .int(end))])
        ),
      ]
    }
  }
}
