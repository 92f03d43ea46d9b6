/// `git draft review` as text for a terminal.
public struct ReviewPrinter: Sendable {
  public let palette: Palette

  public init(palette: Palette) { self.palette = palette }

  public func text(_ review: ReviewSummary) -> String {
    let ticket = review.detail.ticket
    var out = [palette.bold("ticket \(review.shortID)  \(Terminal.clean(ticket.title))")]
    out.append("State:     \(palette.state(ticket.state))")
    out.append("")
    out.append(palette.bold("Revisions (\(review.revisions.count))"))
    for entry in review.revisions {
      let revision = entry.revision
      out.append("  " + revision.line + "  " + palette.dim(Terminal.clean(revision.branch)))
      if revision.outcome != .passed, let reason = revision.reason {
        out.append("      " + Terminal.clean(String(reason.prefix(200))).replacing("\n", with: " "))
      }
      for record in entry.verification {
        let mark = record.exitCode == 0 ? "ok  " : palette.warning("FAIL")
        let duration = Revision.duration(milliseconds: record.durationMS ?? 0)
        out.append(
          "      \(mark) \(Terminal.clean(record.command ?? "?"))  (exit \(record.exitCode.map(String.init) ?? "?"), \(duration))"
        )
      }
    }
    if review.revisions.isEmpty { out.append("  none yet") }
    var totals = ["\(review.inputTokens + review.outputTokens) tokens"]
    if let cost = review.costUSD { totals.append(Revision.dollars(cost)) }
    totals.append(Revision.duration(milliseconds: review.durationMS))
    out.append("  Total: " + totals.joined(separator: ", "))

    if !review.decisions.isEmpty {
      out.append("")
      out.append(palette.bold("Decisions (\(review.decisions.count))"))
      for decision in review.decisions {
        var line =
          "  \(decision.kind == .approve ? "approved" : "requested changes on") #\(decision.revisionNumber)"
        line += " " + byline(decision)
        if let number = decision.addressedBy { line += palette.dim("  (addressed by #\(number))") }
        out.append(line)
        out += indented(decision.body)
      }
    }
    out.append("")
    out.append(palette.bold("Open comments (\(review.comments.count))"))
    for entry in review.comments { out += comment(entry) }
    if review.comments.isEmpty { out.append("  none") }
    out.append("")
    out.append("Approved:  " + (review.approved.map { "revision \($0.number)" } ?? "no"))
    out.append("Next:      " + review.next)
    return out.joined(separator: "\n")
  }

  /// `greeting.txt:3-4 on #1 by Jane Doe, 2026-...: now at 5-6 in #2`, the quoted lines, the text.
  func comment(_ entry: ReviewSummary.CommentEntry) -> [String] {
    let item = entry.feedback
    var head = "  "
    if item.kind == .conflict { head += "merge conflict " }
    if let anchor = item.anchor {
      head += palette.label("\(Terminal.clean(anchor.path)):\(anchor.span)") + " "
    }
    head += "on #\(item.revisionNumber) " + byline(item)
    switch entry.status {
    case .outdated: head += "  " + palette.warning("outdated")
    case .current(let revision, let start, let end) where start != item.anchor?.startLine:
      head += palette.dim("  now at \(LineSpan(start: start, end: end)) in #\(revision)")
    default: break
    }
    var out = [head]
    out += (item.anchor?.lines ?? []).map { "      " + palette.dim("> " + Terminal.clean($0)) }
    return out + indented(item.body)
  }

  func byline(_ item: Feedback) -> String {
    "by \(Terminal.clean(item.author.name)), \(palette.dim(RFC3339.format(item.at)))"
  }

  func indented(_ text: String) -> [String] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    while lines.last?.isEmpty == true { lines.removeLast() }
    return lines.map {
      "      " + Terminal.clean(String($0))
    }
  }
}
