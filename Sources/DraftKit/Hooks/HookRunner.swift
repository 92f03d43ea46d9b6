import GitKit
import Glibc

/// What `git draft hook NAME` has to say. A hook never fails the git command that ran it:
/// whatever goes wrong is a warning.
public struct HookResult: Sendable, Equatable {
  /// Lines for standard output.
  public var lines: [String] = []
  /// Lines for standard error, each printed after `warning: `.
  public var warnings: [String] = []
}

extension Draft {
  /// How long the post-commit hook may verify a commit unless `draft.hookTimeout` says otherwise.
  public static let defaultHookTimeout: Int64 = 120

  /// Runs git-draft's part of the git hook `name`, called by the scripts in the hooks
  /// directory with git's arguments. Hooks it does not know do nothing, so that scripts of a
  /// newer version never break a commit.
  public static func runHook(name: String, arguments: [String]) -> HookResult {
    var result = HookResult()
    switch name {
    case "post-commit": postCommitHook(into: &result)
    case "pre-push": prePushHook(arguments, into: &result)
    default: break
    }
    return result
  }

  /// After a commit on a `draft/<short id>-...` branch (by hand, or by an agent outside
  /// `git draft run`, which verifies by itself and sets `GIT_DRAFT_RUN`): verify the ticket in
  /// this worktree and record the evidence for the new commit.
  static func postCommitHook(into result: inout HookResult) {
    guard !isSet("GIT_DRAFT_RUN") else { return }
    do {
      let draft = try Draft()
      guard let branch = draft.repository.currentBranch(), let prefix = ticketPrefix(ofBranch: branch),
        let worktree = draft.repository.workingDirectory
      else { return }
      let ticket: Ticket
      do {
        ticket = try draft.board(around: prefix).ticket
      } catch let error as DraftError where error.kind == .notFound {
        return
      }
      guard let commit = try git({ try draft.repository.referenceTarget("HEAD") }) else { return }
      let timeout = draft.hookTimeout(warnings: &result.warnings)
      let summary = try draft.verifyFromHook(
        ticket: ticket.id, worktree: FileSystem.normalized(worktree), commit: commit, timeout: timeout)
      if let summary { result.lines.append(summary) }
    } catch {
      result.warnings.append("git draft: commit not verified: \(message(of: error))")
    }
  }

  /// Before a push, when `draft.pushBoard` is true: push the board to the same remote.
  static func prePushHook(_ arguments: [String], into result: inout HookResult) {
    guard let remote = arguments.first, !remote.isEmpty, !isSet("GIT_DRAFT_PUSHING") else { return }
    do {
      let draft = try Draft()
      guard try draft.pushesBoard() else { return }
      // Board pushes skip hooks already; this also keeps any git a hook starts from recursing.
      setenv("GIT_DRAFT_PUSHING", "1", 1)
      let report = try draft.push(to: remote)
      for entry in report.invalid.prefix(10) {
        result.warnings.append("git draft: skipping invalid ticket: \(entry.reason)")
      }
      result.lines.append("git draft: \(report.summary)")
    } catch {
      result.warnings.append("git draft: board not pushed: \(message(of: error))")
    }
  }

  /// The ticket id prefix a draft branch is named by: `draft/1a2b3c4-fix-parser` gives `1a2b3c4`.
  static func ticketPrefix(ofBranch branch: String) -> String? {
    guard branch.hasPrefix("draft/") else { return nil }
    let name = branch.utf8.dropFirst("draft/".utf8.count)
    let digits = name.prefix { Board.isHexDigit($0) }
    guard digits.count >= 4, digits.count <= 64,
      digits.count == name.count || name[digits.endIndex] == UInt8(ascii: "-")
    else { return nil }
    return String(decoding: digits, as: UTF8.self).lowercased()
  }

  /// `draft.hookTimeout` in seconds; an invalid value is a warning and the default applies.
  func hookTimeout(warnings: inout [String]) -> Int64 {
    do {
      guard let text = try git({ try configuration().string("draft.hookTimeout") }) else {
        return Self.defaultHookTimeout
      }
      return try Duration.seconds(text)
    } catch {
      warnings.append(
        "git draft: draft.hookTimeout: \(Self.message(of: error)) (using \(Self.defaultHookTimeout)s)")
      return Self.defaultHookTimeout
    }
  }

  /// `draft.pushBoard`, read as git reads a boolean.
  func pushesBoard() throws -> Bool {
    try git { try configuration().bool("draft.pushBoard") } ?? false
  }

  private static func isSet(_ variable: String) -> Bool {
    getenv(variable).map { $0.pointee != 0 } ?? false
  }

  private static func message(of error: any Error) -> String {
    (error as? DraftError)?.message ?? "\(error)"
  }
}
