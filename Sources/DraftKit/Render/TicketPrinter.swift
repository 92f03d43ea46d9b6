/// Human-readable renderings of tickets: list lines, `show`, `log`.
public struct TicketPrinter: Sendable {
  public let board: Board
  public let palette: Palette

  public init(board: Board, palette: Palette) {
    self.board = board
    self.palette = palette
  }

  static let stateWidth = WorkflowState.allCases.map(\.rawValue.count).max()!
  /// Each state's name padded to `stateWidth`: a list prints thousands.
  static let paddedStates = Dictionary(
    uniqueKeysWithValues: WorkflowState.allCases.map { ($0, Terminal.pad($0.rawValue, to: stateWidth)) })

  /// A line per ticket, `abc1234  planned      P1  Title  [bug, ui]`, as the UTF-8 that
  /// `list` writes: built in one buffer, since a board lists thousands.
  public func lines(_ tickets: [Ticket]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(tickets.count * 96)
    for ticket in tickets {
      append(ticket, to: &out)
      out.append(0x0A)
    }
    return out
  }

  private func append(_ ticket: Ticket, to out: inout [UInt8]) {
    out += palette.id(board.shortID(ticket.id)).utf8
    out += "  ".utf8
    out += palette.state(ticket.state, Self.paddedStates[ticket.state]!).utf8
    out += "  ".utf8
    out += palette.priority(ticket.priority, "P" + String(ticket.priority)).utf8
    out += "  ".utf8
    out += Terminal.clean(ticket.title).utf8
    if !ticket.labels.isEmpty {
      out += "  ".utf8
      out += palette.label("[" + ticket.labels.map(Terminal.clean).joined(separator: ", ") + "]").utf8
    }
  }

  /// A linked ticket as `abc1234 (done) Title`, or its id when it is not on the board.
  public func reference(_ id: String) -> String {
    guard let other = board.ticket(id) else { return "\(id.prefix(12)) (missing)" }
    return "\(palette.id(board.shortID(id))) (\(palette.state(other.state))) \(Terminal.clean(other.title))"
  }

  /// Everything about a ticket.
  /// `evidence` is the latest revision's.
  public func show(_ detail: TicketDetail, evidence: [EvidenceRecord] = []) -> String {
    let ticket = detail.ticket
    var out: [String] = []
    out.append(palette.bold("ticket \(ticket.id)"))
    out.append("Title:      \(Terminal.clean(ticket.title))")
    out.append("State:      \(palette.state(ticket.state))\(board.isReady(ticket) ? " (ready)" : "")")
    out.append("Priority:   \(ticket.priority) (\(Priority.names[ticket.priority]))")
    if !ticket.labels.isEmpty {
      out.append(
        "Labels:     \(ticket.labels.map { palette.label(Terminal.clean($0)) }.joined(separator: ", "))")
    }
    out.append("Author:     \(Terminal.clean(ticket.author.display))")
    if let claim = ticket.activeClaim() { out.append("Claimed by: \(Terminal.clean(claim.display))") }
    out.append("Created:    \(RFC3339.format(ticket.createdAt))")
    out.append("Updated:    \(RFC3339.format(ticket.updatedAt))")
    let links: [(String, [String])] = [
      ("Blocked by", ticket.blockedBy), ("Blocks", board.blocks(ticket.id)),
      ("Parent", ticket.parent.map { [$0] } ?? []),
      ("Children", board.children(of: ticket.id)), ("Related", board.related(ticket)),
    ]
    for (name, ids) in links where !ids.isEmpty {
      for (index, id) in ids.enumerated() {
        out.append(Terminal.pad(index == 0 ? "\(name):" : "", to: 12) + reference(id))
      }
    }
    if !ticket.body.isEmpty {
      out.append("")
      out += ticket.body.split(separator: "\n", omittingEmptySubsequences: false).map {
        "    " + Terminal.clean(String($0))
      }
    }
    if !detail.revisions.isEmpty {
      out.append("")
      out.append(palette.bold("Revisions (\(detail.revisions.count))"))
      for revision in detail.revisions {
        out.append("  " + revision.line + "  " + palette.dim(revision.branch))
        if revision.number == detail.revisions.count, let reason = revision.reason {
          out.append("      " + Terminal.clean(String(reason.prefix(200))))
        }
      }
      for record in evidence where record.kind == "verify" {
        let passed = record.exitCode == 0
        let mark = passed ? "ok  " : palette.warning("FAIL")
        out.append(
          "    \(mark) \(Terminal.clean(record.command ?? "?"))  \(Revision.duration(milliseconds: record.durationMS ?? 0))"
        )
      }
    }
    if let review = reviewLine(detail) { out.append(review) }
    if !detail.comments.isEmpty {
      out.append("")
      out.append(palette.bold("Comments (\(detail.comments.count))"))
      for comment in detail.comments {
        out.append("  \(Terminal.clean(comment.author.display)), \(RFC3339.format(comment.createdAt)):")
        out += comment.body.split(separator: "\n", omittingEmptySubsequences: false).map {
          "    " + Terminal.clean(String($0))
        }
      }
    }
    out.append("")
    out.append(palette.bold("History"))
    out += detail.history.map { "  " + historyLine($0) }
    return out.joined(separator: "\n")
  }

  /// `Review: revision 2 approved; 3 open items ('git draft review 1a2b3c4')`, when there is
  /// feedback: the detail stays with `review`.
  func reviewLine(_ detail: TicketDetail) -> String? {
    guard !detail.feedback.isEmpty else { return nil }
    let open = detail.openFeedback.count
    var parts: [String] = []
    if let approved = detail.approvedRevision { parts.append("revision \(approved.number) approved") }
    parts.append(open == 0 ? "nothing open" : "\(open) open item\(open == 1 ? "" : "s")")
    return
      "  Review: \(parts.joined(separator: "; ")) ('git draft review \(board.shortID(detail.ticket.id))')"
  }

  /// `2026-11-21T05:06:27Z  Jane Doe  moved planned → executing (reason)`
  public func historyLine(_ entry: HistoryEntry) -> String {
    var text =
      "\(palette.dim(RFC3339.format(entry.at)))  \(Terminal.clean(entry.author.name))  \(entry.action)"
    switch entry.action {
    case "moved": text += " \(entry.from ?? "?") → \(entry.to ?? "?")"
    case "created": text += " (\(entry.to ?? "?"), \(entry.detail ?? ""))"
    case "set priority": text += " \(entry.from ?? "?") → \(entry.to ?? "?")"
    case "edited title": text += ": \(Terminal.clean(entry.to ?? ""))"
    case "linked", "unlinked":
      let parts = (entry.detail ?? "").split(separator: " ")
      if parts.count == 2 { text += " \(parts[0]) \(board.shortID(String(parts[1])))" }
    default:
      if let detail = entry.detail { text += " \(Terminal.clean(detail))" }
    }
    if entry.action == "moved", let reason = entry.detail { text += ": \(Terminal.clean(reason))" }
    if let conflict = entry.conflict { text += palette.warning(" [conflict: \(conflict)]") }
    return text
  }
}
