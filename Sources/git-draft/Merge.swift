import ArgumentParser
import DraftKit

extension MergeStrategy: ExpressibleByArgument {}

struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Merge a ticket's approved revision into its target branch and close the ticket.",
    discussion: """
      The merge is computed without touching any worktree; the target branch moves only when it \
      merges cleanly (fast-forwarding the worktree where it is checked out). Then the ticket is done \
      and its worktree and branch are removed. A conflict changes no branch: the ticket is blocked, \
      and 'git draft run ID' asks the agent to merge the target and resolve it. Exits 1 on a conflict.
      """)

  @Argument(help: "The ticket id.")
  var id: String

  @Option(help: "merge, squash, rebase or ff (default: draft.mergeStrategy, else merge).")
  var strategy: MergeStrategy?

  @Flag(help: "Merge the latest revision even if it is not approved.")
  var force = false

  @Flag(help: "Keep the ticket's branch (default: delete it unless draft.deleteBranch is false).")
  var keepBranch = false

  func run() throws {
    let draft = try Draft()
    let (board, ticket) = try draft.board(around: id)
    let short = board.shortID(ticket.id)
    let report = try draft.merge(
      ticket.id, options: MergeOptions(strategy: strategy, force: force, keepBranch: keepBranch))
    let target = Terminal.clean(report.target)
    let what = "revision \(report.revision.number) of \(short) into \(target) (\(report.strategy.rawValue))"
    switch report.result {
    case .conflicted(let paths):
      let shown =
        paths.prefix(10).map(Terminal.clean).joined(separator: ", ") + (paths.count > 10 ? ", ..." : "")
      Output.line(
        "Merging \(what) conflicts in \(paths.count) path(s): \(shown); the ticket is blocked and "
          + "'git draft run \(short)' will ask the agent to merge \(target) and resolve them")
      throw ExitCode(1)
    case .merged(let commit, let removal):
      Output.line("Merged \(what) at \(commit.prefix(12)); \(short) is \(report.ticket.state.rawValue)")
      if let path = removal.removedWorktree { Output.line("Removed worktree \(Terminal.clean(path))") }
      if let branch = removal.deletedBranch { Output.line("Deleted branch \(Terminal.clean(branch))") }
      if let kept = removal.kept { Output.line("Kept the worktree: \(Terminal.clean(kept))") }
    }
  }
}
