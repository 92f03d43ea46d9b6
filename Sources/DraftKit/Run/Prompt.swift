/// The prompt an agent gets: the ticket, what it builds on, what must pass, and the rules.
/// It reaches the agent on standard input or in a file, never through a shell.
struct Prompt {
  var ticket: Ticket
  var comments: [Comment]
  /// Finished tickets this one is blocked by.
  var dependencies: [Ticket]
  var previous: Revision?
  /// Feedback not yet addressed, with where each anchored comment now is.
  var feedback: [(Feedback, AnchorStatus)]
  /// The target's merge this run started, when an earlier merge conflicted.
  var merging: MergeInProgress?
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
    out += reviewSection
    if let merging { out += mergeSection(merging) }
    if !verify.isEmpty {
      out += "## Verification\n\nYour work must pass these commands, run in order in the worktree:\n\n"
      out += verify.map { "    \($0)\n" }.joined() + "\n"
    }
    out += """
      ## Rules

      - Work only in this directory, a git worktree on branch \(worktree.branch): \(worktree.path)
      - Change no file outside it. Do not switch branches, rebase, push or commit anywhere else.
      \(merging == nil ? "" : "- Leave the merge in progress to git-draft: resolve the files, do not abort it.\n")\
      - You may leave your changes uncommitted: git-draft commits them when you finish.
      - End with a short summary of what you changed and anything left undone.

      """
    return out
  }
}

extension Prompt {
  /// The reviewer's requests and comments, each anchored one with its file, lines and the code
  /// it was about, so the agent can find the place even after the file changed.
  var reviewSection: String {
    let items = feedback.filter { $0.0.kind == .requestChanges || $0.0.kind == .comment }
    guard !items.isEmpty else { return "" }
    var out = "## Review feedback to address\n\n"
    out += "A reviewer looked at revision \(items.map(\.0.revisionNumber).max() ?? 0) and asked for changes. "
    out += "Address every item below.\n\n"
    for (item, status) in items {
      let who = "\(item.author.name) (revision \(item.revisionNumber))"
      switch item.kind {
      case .requestChanges: out += "### Requested changes, from \(who)\n\n"
      default: out += "### Comment from \(who)"
      }
      if let anchor = item.anchor {
        switch status {
        case .current(_, let start, let end):
          out += " on \(anchor.path), lines \(start)-\(end)"
          if start != anchor.startLine {
            out += " (lines \(anchor.startLine)-\(anchor.endLine) when commented)"
          }
        default:
          out +=
            " on \(anchor.path), lines \(anchor.startLine)-\(anchor.endLine) of revision \(item.revisionNumber)"
          out += " (outdated: that code has changed since)"
        }
        out += "\n\n```\n" + anchor.lines.joined(separator: "\n") + "\n```\n\n"
      } else if item.kind == .comment {
        out += "\n\n"
      }
      out += item.body + (item.body.hasSuffix("\n") ? "\n" : "\n\n")
    }
    return out
  }

  func mergeSection(_ merging: MergeInProgress) -> String {
    var out = "## Merge conflict with \(merging.target)\n\n"
    out += "Merging this branch into \(merging.target) conflicted, so \(merging.target) has been merged "
    out += "into this branch and the merge is in progress (not committed). "
    if merging.conflicts.isEmpty {
      return out + "It merged cleanly this time: check the result still does what the ticket asks.\n\n"
    }
    out += "Resolve the conflicts in these files, keeping the intent of both sides, and remove every "
    out += "conflict marker (<<<<<<<, =======, >>>>>>>):\n\n"
    return out + merging.conflicts.map { "- \($0)\n" }.joined() + "\n"
  }
}
