import GitKit
import Glibc

/// What `git draft work` may decide without a person, from git config: `draft.autoApprove`,
/// `draft.autoMerge`, `draft.mergeStrategy`, `draft.maxDiffLines`, `draft.protectedPaths`.
public struct WorkPolicy: Sendable, Equatable {
  public var autoApprove = false
  public var autoMerge = false
  /// Auto-approval only for diffs of at most this many changed lines (added plus removed).
  public var maxDiffLines: Int?
  /// Auto-approval never for work touching these paths: a file, a directory, or a glob.
  public var protectedPaths: [String] = []

  init(_ config: Configuration) throws {
    func string(_ key: String) throws -> String? { try git { try config.string(key) } }
    autoApprove = try git { try config.bool("draft.autoApprove") } ?? false
    autoMerge = try git { try config.bool("draft.autoMerge") } ?? false
    if let text = try string("draft.maxDiffLines") {
      guard let value = Budget.count(text) else {
        throw DraftError(.invalidInput, "draft.maxDiffLines must be a number of lines, not '\(text)'")
      }
      maxDiffLines = value
    }
    protectedPaths = try git { try config.strings("draft.protectedPaths") }.flatMap {
      $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }
  }

  /// Why the revision's work (`stat`: the whole change against its target) may not be
  /// approved without a person; nil when it may.
  func approvalBlocker(_ revision: Revision, _ stat: DiffStat) -> String? {
    guard autoApprove else { return "draft.autoApprove is off" }
    guard revision.outcome == .passed else { return "verification did not pass" }
    let lines = stat.insertions + stat.deletions
    if let maxDiffLines, lines > maxDiffLines {
      return "the diff has \(lines) changed lines, over draft.maxDiffLines (\(maxDiffLines))"
    }
    if let touched = stat.files.first(where: { protects($0.path) }) {
      return "it changes \(touched.path), a protected path"
    }
    return nil
  }

  /// True when `path` is a protected path, inside one (a directory), or matches one as a glob.
  public func protects(_ path: String) -> Bool {
    protectedPaths.contains { pattern in
      let directory = pattern.hasSuffix("/") ? String(pattern.dropLast()) : pattern
      return path == directory || path.hasPrefix(directory + "/") || fnmatch(pattern, path, 0) == 0
    }
  }
}

extension Draft {
  public func workPolicy() throws -> WorkPolicy { try WorkPolicy(try configuration()) }
}
