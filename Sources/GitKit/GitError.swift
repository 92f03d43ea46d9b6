import CLibgit2

/// The one error type of GitKit: a libgit2 failure, with libgit2's own message.
public struct GitError: Error, Equatable, CustomStringConvertible {
  public enum Code: Equatable, Sendable {
    case notFound
    case exists
    /// A compare-and-swap lost: the reference moved since it was read.
    case modified
    case locked
    case ambiguous
    /// The repository belongs to another user (git's `safe.directory` check).
    case notOwned
    case invalidObject
    case other(Int32)

    init(_ code: Int32) {
      switch code {
      case GIT_ENOTFOUND.rawValue: self = .notFound
      case GIT_EEXISTS.rawValue: self = .exists
      case GIT_EMODIFIED.rawValue: self = .modified
      case GIT_ELOCKED.rawValue: self = .locked
      case GIT_EAMBIGUOUS.rawValue: self = .ambiguous
      case GIT_EOWNER.rawValue: self = .notOwned
      default: self = .other(code)
      }
    }
  }

  public let code: Code
  public let message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }

  /// True when a reference update lost a race and may be retried after re-reading.
  public var isRace: Bool { code == .modified || code == .exists || code == .locked }
}

/// Every libgit2 return code passes through here.
@discardableResult
func check(_ result: Int32, _ context: @autoclosure () -> String) throws -> Int32 {
  guard result < 0 else { return result }
  let detail = git_error_last().map { String(cString: $0.pointee.message) } ?? "error \(result)"
  throw GitError(GitError.Code(result), "\(context()): \(detail)")
}
