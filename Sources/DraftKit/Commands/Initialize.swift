import Glibc

/// What `git draft init` found and did.
public struct InitReport: Sendable {
  /// The directory for git-draft's local state (`.git/draft/`).
  public var directory: String
  /// False when the repository was already prepared.
  public var created: Bool
  public var tickets: Int
  public var invalid: [InvalidTicket]
}

extension Draft {
  /// Prepares the repository: creates `.git/draft/` for local state and builds the board cache.
  /// Refs and configuration are left alone, so running it again changes nothing.
  public func initialize() throws -> InitReport {
    let directory = repository.commonDirectory + "draft"
    var status = stat()
    let existed = stat(directory, &status) == 0
    if !existed, mkdir(directory, 0o777) != 0 {
      throw DraftError(.git, "cannot create \(directory): \(String(cString: strerror(errno)))")
    }
    let board = try board()
    return InitReport(
      directory: directory, created: !existed, tickets: board.tickets.count, invalid: board.invalid)
  }
}
