import Glibc

/// The environment agents, verify commands and the git commands of a run get: this process's,
/// less what would point them at the wrong repository or leak into a nested agent.
enum RunEnvironment {
  /// git's location variables (a hook or `git -c` sets them for the main tree, not the
  /// worktree), git-draft's own settings, and the markers agent CLIs set for their children
  /// (a nested Claude Code or Codex would think it runs inside its parent's session or sandbox).
  static let removedPrefixes = [
    "GIT_DIR=", "GIT_WORK_TREE=", "GIT_INDEX_FILE=", "GIT_COMMON_DIR=", "GIT_OBJECT_DIRECTORY=",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES=", "GIT_NAMESPACE=", "GIT_PREFIX=", "GIT_CONFIG_PARAMETERS=",
    "GIT_CONFIG_COUNT=", "GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_", "GIT_DRAFT_", "CLAUDECODE=",
    "CLAUDE_CODE_ENTRYPOINT=", "CODEX_SANDBOX", "CODEX_THREAD_ID=", "GEMINI_CLI=",
  ]

  /// The cleaned environment with `extra` (`KEY=value`) added.
  static func make(_ extra: [String] = []) -> [String] {
    var result: [String] = []
    var entry = environ
    while let pointer = entry.pointee {
      let variable = String(cString: pointer)
      if !removedPrefixes.contains(where: { variable.hasPrefix($0) }) { result.append(variable) }
      entry += 1
    }
    return result + extra
  }
}
