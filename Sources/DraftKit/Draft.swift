import GitKit
import Glibc

/// A repository's git-draft board: the entry point for every command.
public final class Draft {
  public let repository: Repository
  let tickets: EntityStore

  public init(repository: Repository) {
    self.repository = repository
    self.tickets = EntityStore(repository: repository, kind: "tickets")
  }

  /// Opens the board of the repository containing `path`.
  public convenience init(at path: String) throws {
    self.init(repository: try git { try Repository.discover(from: path) })
  }

  /// Opens the board of the repository git would use here (honouring `GIT_DIR` and friends).
  public convenience init() throws {
    self.init(repository: try git { try Repository.discoverFromEnvironment() })
  }

  public func configuration() throws -> Configuration {
    try git { try repository.configuration() }
  }

  /// Every ticket, from the cache where it is current.
  public func board() throws -> Board {
    try Board.load(repository)
  }

  /// A board that decodes only the tickets `select` picks from every ticket's summary.
  public func board(selecting select: @escaping ([TicketSummary]) -> Set<String>) throws -> Board {
    try Board.load(repository, select: select)
  }

  /// The ticket `prefix` names, with a board holding just what is needed to show it
  /// (its links both ways): much less to decode than the whole board.
  public func board(around prefix: String) throws -> (board: Board, ticket: Ticket) {
    let board = try Board.load(repository, focus: prefix)
    return (board, try board.resolve(prefix))
  }

  /// Who is making a change, as git decides for commits: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`,
  /// else `user.name`/`user.email` (including `git -c`), else `EMAIL` for the address.
  public func author() throws -> Person {
    let config = try configuration()
    func environment(_ variable: String) -> String? {
      getenv(variable).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
    func value(_ variable: String, _ key: String) throws -> String? {
      try environment(variable) ?? git { try config.string(key) }.flatMap { $0.isEmpty ? nil : $0 }
    }
    guard let name = try value("GIT_AUTHOR_NAME", "user.name"),
      let email = try value("GIT_AUTHOR_EMAIL", "user.email") ?? environment("EMAIL")
    else {
      throw DraftError(
        .identity,
        "tell git who you are first: git config --global user.name \"Your Name\" && "
          + "git config --global user.email you@example.com")
    }
    return Person(name: name, email: email)
  }

  /// The full detail of one ticket, read from its ref (never from the cache).
  public func detail(id: String) throws -> TicketDetail {
    guard let tip = try git({ try repository.referenceTarget(tickets.refName(id)) }) else {
      throw DraftError(.notFound, "no ticket \(id); 'git draft list --all' shows them all")
    }
    return try TicketReplay.replay(try tickets.read(id: id, tip: tip))
  }

  /// Appends ops to a ticket; `makeOps` sees its current state and runs again if a concurrent
  /// writer got there first. Returning no ops writes nothing.
  @discardableResult
  func change(_ id: String, makeOps: (TicketDetail) throws -> [Operation]) throws -> Change {
    let author = try author()
    do {
      try tickets.append(to: id, author: author) { entity in
        let current = try TicketReplay.replay(entity)
        let ops = try makeOps(current)
        guard !ops.isEmpty else { throw Unchanged(detail: current) }
        return ops
      }
    } catch let unchanged as Unchanged {
      return Change(detail: unchanged.detail, changed: false)
    }
    return Change(detail: try detail(id: id), changed: true)
  }
}

/// The outcome of a command that edits a ticket.
public struct Change: Sendable {
  public var detail: TicketDetail
  /// False when the ticket already was as asked and nothing was written.
  public var changed: Bool
}

/// Thrown by an edit that would change nothing, so that nothing is written.
struct Unchanged: Error {
  var detail: TicketDetail
}
