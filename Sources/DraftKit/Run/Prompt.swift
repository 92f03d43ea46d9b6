/// The prompt an agent gets: the ticket, what it builds on, what must pass, and the rules.
/// It reaches the agent on standard input or in a file, never through a shell.
struct Prompt {
  var ticket: Ticket
  var comments: [Comment]
  /// Finished tickets this one is blocked by.
  var dependencies: [Ticket]
  var previous: Revision?
  var verify: [String]
  var worktree: TicketWorktree
  var revision: Int

  var text: String {
    var out = "# \(ticket.title)\n\n"
    out +=
      "You are working on ticket \(ticket.id.prefix(12)) of a git-draft board (revision \(revision)).\n\n"
    if !ticket.body.isEmpty { out += ticket.body + (ticket.body.hasSuffix("\n") ? "\n" : "\n\n") }
    if !comments.isEmpty {
      out += "## Comments\n\n"
      for comment in comments {
        out += "- \(comment.author.name) (\(RFC3339.format(comment.createdAt))): "
        out += comment.body.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
        out += "\n"
      }
      out += "\n"
    }
    if !dependencies.isEmpty {
      out += "## Finished work this builds on\n\n"
      for dependency in dependencies {
        out += "- \(dependency.title) (ticket \(dependency.id.prefix(12)), done)\n"
      }
      out += "\n"
    }
    if let previous {
      out += "## The previous run\n\n"
      out += "Revision \(previous.number) ended as \(previous.outcome.rawValue)"
      out += previous.reason.map { ": \($0)" } ?? ""
      out += ". Continue from the work already on this branch.\n\n"
    }
    if !verify.isEmpty {
      out += "## Verification\n\nYour work must pass these commands, run in order in the worktree:\n\n"
      out += verify.map { "    \($0)\n" }.joined() + "\n"
    }
    out += """
      ## Rules

      - Work only in this directory, a git worktree on branch \(worktree.branch): \(worktree.path)
      - Change no file outside it. Do not switch branches, rebase, push or commit anywhere else.
      - You may leave your changes uncommitted: git-draft commits them when you finish.
      - End with a short summary of what you changed and anything left undone.

      """
    return out
  }
}
