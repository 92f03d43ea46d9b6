/// `--line L` or `--line L-M`: the lines of a file a comment is about, 1-based and inclusive.
public struct LineSpan: Sendable, Equatable, CustomStringConvertible {
  public var start: Int
  public var end: Int

  public init(start: Int, end: Int) {
    self.start = start
    self.end = end
  }

  /// Parses `L` or `L-M` with 1 <= L <= M; nil for anything else.
  public init?(parsing text: String) {
    let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
    guard let start = Int(parts[0]), let end = parts.count == 2 ? Int(parts[1]) : start, start >= 1,
      end >= start
    else { return nil }
    self.init(start: start, end: end)
  }

  public var description: String { start == end ? "\(start)" : "\(start)-\(end)" }
}

extension Anchor {
  /// The lines it was made on.
  public var span: LineSpan { LineSpan(start: startLine, end: endLine) }
}

extension Draft {
  /// Comments on a revision (the latest that made a commit unless `number` names one): on the
  /// revision as a whole, or on lines of one of its files, quoting them so the comment can be
  /// found again after the file changes.
  @discardableResult
  public func comment(
    _ prefix: String, onRevision number: Int?, file path: String? = nil, lines: LineSpan? = nil, body: String
  ) throws -> Change {
    guard !body.isEmpty else {
      throw DraftError(.invalidInput, "the comment is empty; give its text with -m or -F")
    }
    try TicketText.check(body: body).orThrow { DraftError(.invalidInput, $0) }
    guard (path == nil) == (lines == nil) else {
      throw DraftError(.invalidInput, "give the file and its lines together: --file PATH --line L[-M]")
    }
    if let path { try RevisionFile.check(path: path) }
    let detail = try detail(id: try board(around: prefix).ticket.id)
    let (revision, head) = try detail.reviewedRevision(number)
    var anchor: Anchor?
    if let path, let lines {
      anchor = try self.anchor(path, lines, in: revision, of: detail.ticket.id)
    }
    let feedback = Feedback(kind: .comment, revision: head, body: body, anchor: anchor)
    return try change(detail.ticket.id) { _ in [.feedback(feedback)] }
  }

  /// The anchor for `lines` of `path` as the revision's commit has them.
  func anchor(_ path: String, _ lines: LineSpan, in revision: Revision, of ticket: String) throws -> Anchor {
    let which = "revision \(revision.number) of ticket \(ticket.prefix(12))"
    let text: [Substring]
    switch try file(path, at: try headCommit(of: revision, ticket: ticket)) {
    case .missing:
      throw DraftError(
        .notFound, "\(which) has no file '\(path)'; give its path from the top of the repository")
    case .binary:
      throw DraftError(
        .invalidInput, "'\(path)' is a binary file in \(which); comment on a text file's lines")
    case .text(let found): text = found
    }
    guard lines.end <= text.count else {
      throw DraftError(
        .invalidInput,
        "'\(path)' has \(text.count) line\(text.count == 1 ? "" : "s") in \(which); line \(lines) is past its end"
      )
    }
    let quoted = text[(lines.start - 1)..<lines.end].map(String.init)
    guard quoted.count <= Feedback.maximumAnchorLines,
      quoted.reduce(0, { $0 + $1.utf8.count }) <= Limits.bodyBytes
    else {
      throw DraftError(
        .invalidInput,
        "a comment can quote at most \(Feedback.maximumAnchorLines) lines; pick fewer with --line")
    }
    return Anchor(path: path, startLine: lines.start, endLine: lines.end, lines: quoted)
  }
}
