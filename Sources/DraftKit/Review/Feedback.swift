import GitKit

/// One piece of feedback on a revision: a reviewer's comment or decision, or a merge conflict
/// git-draft found. Stored as an op on the ticket, so it syncs and merges like the rest; a later
/// revision lists the ids it addressed.
public struct Feedback: Codable, Sendable, Equatable {
  public enum Kind: String, Codable, Sendable {
    case comment
    case requestChanges = "request_changes"
    case approve
    /// Merging into the target conflicted; the body lists the paths.
    case conflict

    /// Decisions settle whether a revision may be merged; the last one counts.
    public var isDecision: Bool { self == .approve || self == .requestChanges }
  }

  /// 16 hex digits, random: what a revision's `addressed` list names.
  public var id: String
  public var kind: Kind
  /// The head commit of the revision it is about.
  public var revision: String
  public var body: String
  public var anchor: Anchor?

  /// Set by replay, not stored: who wrote it and when, the revision's number, and the number
  /// of the revision that addressed it.
  public var author = Person(name: "", email: "")
  public var at: Int64 = 0
  public var revisionNumber = 0
  public var addressedBy: Int?

  enum CodingKeys: String, CodingKey {
    case id, kind, revision, body, anchor
  }

  public init(kind: Kind, revision: String, body: String, anchor: Anchor? = nil) {
    var generator = SystemRandomNumberGenerator()
    let digits = String(generator.next() as UInt64, radix: 16)
    self.id = String(repeating: "0", count: 16 - digits.count) + digits
    self.kind = kind
    self.revision = revision
    self.body = body
    self.anchor = anchor
  }

  /// Open feedback goes into the next run's prompt; approvals are never sent to the agent.
  public var isOpen: Bool { addressedBy == nil && kind != .approve }

  static let maximumAnchorLines = 500

  /// Checks feedback read from a ref.
  func problem() -> String? {
    guard id.utf8.count == 16, id.allSatisfy(\.isHexDigit) else { return "a feedback id is malformed" }
    guard ObjectID(hex: revision) != nil else { return "feedback names a revision that is not a commit" }
    if let reason = TicketText.check(body: body) { return reason }
    guard let anchor else { return nil }
    guard !anchor.path.isEmpty, anchor.path.utf8.count <= 4096, !anchor.path.contains("\0"),
      anchor.startLine >= 1, anchor.endLine >= anchor.startLine,
      anchor.lines.count == anchor.endLine - anchor.startLine + 1,
      anchor.lines.count <= Self.maximumAnchorLines,
      anchor.lines.reduce(0, { $0 + $1.utf8.count }) <= Limits.bodyBytes
    else { return "a comment's anchor is malformed" }
    return nil
  }
}

/// Where a comment points: a file and line range of a revision, with the lines' text, so the
/// comment can be found again after the file changes (or shown as outdated when the text is gone).
public struct Anchor: Codable, Sendable, Equatable {
  public var path: String
  public var startLine: Int
  public var endLine: Int
  public var lines: [String]

  enum CodingKeys: String, CodingKey {
    case path, lines
    case startLine = "start_line"
    case endLine = "end_line"
  }

  public init(path: String, startLine: Int, endLine: Int, lines: [String]) {
    self.path = path
    self.startLine = startLine
    self.endLine = endLine
    self.lines = lines
  }

  /// Where the anchored lines are in `file` (its lines): the first line number of the match
  /// nearest the original place, or nil when the text is gone (the comment is outdated).
  public func located(in file: [Substring]) -> Int? {
    guard !lines.isEmpty, file.count >= lines.count else { return nil }
    var best: Int?
    for start in 0...(file.count - lines.count)
    where zip(file[start..<(start + lines.count)], lines).allSatisfy({ $0 == $1 }) {
      let line = start + 1
      if best.map({ abs(line - startLine) < abs($0 - startLine) }) ?? true { best = line }
    }
    return best
  }
}

extension TicketDetail {
  /// The revision an approval stands for: the last decision is an approval, and no revision
  /// that passed came after the one it approved.
  public var approvedRevision: Revision? {
    guard let decision = feedback.last(where: \.kind.isDecision), decision.kind == .approve,
      let approved = revisions.last(where: { $0.head == decision.revision })
    else { return nil }
    let newer = revisions.contains { $0.number > approved.number && $0.outcome == .passed }
    return newer ? nil : approved
  }

  /// Feedback not yet addressed by a revision, oldest first.
  public var openFeedback: [Feedback] { feedback.filter(\.isOpen) }
}
