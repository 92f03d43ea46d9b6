import GitKit

/// The one error type of DraftKit. Each message says what went wrong and what to do.
public struct DraftError: Error, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// The user asked for something that cannot be done as asked (bad value, refused move, ...).
    case invalidInput
    case notFound
    case ambiguous
    /// git itself failed (libgit2 message attached).
    case git
    /// Data read from refs is not a valid git-draft entity.
    case corrupt
    case identity
  }

  public let kind: Kind
  public let message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }

  static func from(_ error: GitError) -> DraftError { DraftError(.git, error.message) }
}

/// Runs `body`, turning GitKit's errors into DraftKit's.
func git<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as GitError {
    throw DraftError.from(error)
  }
}
