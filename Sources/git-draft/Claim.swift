import ArgumentParser
import DraftKit

/// Where a claim is decided, as the claim commands spell it.
struct ClaimOptions: ParsableArguments {
  @Option(help: "Record the claim on this remote (default: the current branch's remote, else origin).")
  var remote: String?

  @Flag(help: "Decide the claim in this repository only, even when a remote is configured.")
  var offline = false

  var scope: ClaimScope { offline ? .local : .automatic(remote: remote) }

  func validate() throws {
    if offline && remote != nil { throw ValidationError("--offline and --remote do not go together") }
  }
}

/// A lease such as `30m`.
struct LeaseArgument: ExpressibleByArgument {
  var seconds: Int64
  init?(argument: String) {
    guard let seconds = try? Duration.seconds(argument) else { return nil }
    self.seconds = seconds
  }
}

struct ClaimCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "claim",
    abstract: "Claim a ticket for this machine (or renew this machine's claim).",
    discussion: "Exits 1, naming the holder, when someone else holds an unexpired claim.")

  @Argument(help: "The ticket id.")
  var id: String

  @Option(help: "How long the claim lasts unless renewed: 90s, 30m, 2h... (default: 30m).")
  var lease: LeaseArgument?

  @OptionGroup var where_: ClaimOptions

  func run() throws {
    let draft = try Draft()
    let (board, ticket) = try draft.board(around: id)
    let short = board.shortID(ticket.id)
    switch try draft.claim(ticket.id, lease: lease?.seconds ?? Draft.defaultLease, scope: where_.scope) {
    case .granted(let claimed):
      Output.line("Claimed \(short) until \(claimed.claim.map { RFC3339.format($0.until) } ?? "?")")
    case .held(let claim):
      Output.fail("\(short) is claimed by \(claim.display)", code: 1)
    }
  }
}

struct Release: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Release this machine's claim on a ticket.")

  @Argument(help: "The ticket id.")
  var id: String

  @Flag(help: "Release anyone's claim (for a worker that died).")
  var force = false

  @OptionGroup var where_: ClaimOptions

  func run() throws {
    let draft = try Draft()
    let (board, ticket) = try draft.board(around: id)
    let short = board.shortID(ticket.id)
    switch try draft.release(ticket.id, force: force, scope: where_.scope) {
    case .granted: Output.line("Released \(short)")
    case .held(let claim):
      Output.fail("\(short) is claimed by \(claim.display); --force releases it", code: 1)
    }
  }
}
