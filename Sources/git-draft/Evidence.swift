import ArgumentParser
import DraftKit

struct EvidenceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evidence",
    abstract: "Print the evidence recorded for a revision (JSON Lines from refs/notes/draft).")

  @Argument(help: "The ticket id.")
  var id: String

  @Option(help: "The revision number (default: the latest).")
  var rev: Int?

  func run() throws {
    let draft = try Draft()
    let ticket = try draft.board(around: id).ticket
    let revision = try draft.detail(id: ticket.id).revision(rev)
    let records = try draft.evidence(ticket: ticket.id, revision: revision)
    guard !records.isEmpty else {
      throw DraftError(
        .notFound, "no evidence for revision \(revision.number) here; 'git draft sync' fetches notes")
    }
    for record in records { Output.line(record.line) }
  }
}
