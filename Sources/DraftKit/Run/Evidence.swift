import FoundationEssentials
import GitKit

/// Evidence: one JSON record per line in the note on a revision's commit (`refs/notes/draft`),
/// each naming its ticket and revision, so lines from any clone can be told apart after the
/// notes are merged by union.
public struct EvidenceRecord: Sendable, Decodable {
  /// `executor`, `attempt`, `message`, `diffstat`, `verify`.
  public var kind: String
  public var ticket: String?
  public var revision: Int?
  public var command: String?
  public var exitCode: Int?
  public var durationMS: Int?
  public var text: String?
  public var output: String?
  /// The line as stored, for printing in full.
  public var line = ""

  enum CodingKeys: String, CodingKey {
    case kind, ticket, revision, command, text, output
    case exitCode = "exit_code"
    case durationMS = "duration_ms"
  }

  /// A line as written: kind, ticket and revision first, then `fields`.
  static func line(_ kind: String, ticket: String, revision: Int, _ fields: [(String, JSONValue)]) -> String {
    JSONValue.object(
      [("kind", .string(kind)), ("ticket", .string(ticket)), ("revision", .int(revision))] + fields
    ).serialized()
  }
}

extension Draft {
  /// The evidence recorded for a revision, in the order it was written.
  public func evidence(ticket: String, revision: Revision) throws -> [EvidenceRecord] {
    guard let commit = ObjectID(hex: revision.head ?? revision.base) else { return [] }
    let decoder = JSONDecoder()
    // Notes are shared with every clone: a line that does not parse is skipped, not fatal.
    return try Notes(repository: repository).lines(of: commit).compactMap { line in
      guard var record = try? decoder.decode(EvidenceRecord.self, from: Data(line.utf8)),
        record.ticket == ticket, record.revision == revision.number
      else { return nil }
      record.line = String(line)
      return record
    }
  }

  func recordEvidence(_ lines: [String], on commit: ObjectID) throws {
    try Notes(repository: repository).append(lines, to: commit, author: try author())
  }
}

extension DiffStat {
  /// The `diffstat` record: totals and each file's counts.
  func evidence(ticket: String, revision: Int, base: ObjectID, head: ObjectID) -> String {
    let perFile = files.map { file -> JSONValue in
      .object([
        ("path", .string(file.path)), ("insertions", .int(file.insertions)),
        ("deletions", .int(file.deletions)),
        ("binary", .bool(file.binary)),
      ])
    }
    return EvidenceRecord.line(
      "diffstat", ticket: ticket, revision: revision,
      [
        ("base", .string(base.hex)), ("head", .string(head.hex)), ("insertions", .int(insertions)),
        ("deletions", .int(deletions)), ("files", .array(perFile)),
      ])
  }
}
