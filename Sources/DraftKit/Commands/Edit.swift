/// What `git draft edit` changes; nil fields stay as they are.
public struct TicketEdit: Sendable {
  public var title: String?
  public var body: String?
  public var priority: Int?
  public var addLabels: [String] = []
  public var removeLabels: [String] = []

  public init() {}

  public var isEmpty: Bool {
    title == nil && body == nil && priority == nil && addLabels.isEmpty && removeLabels.isEmpty
  }
}

extension Draft {
  /// Applies an edit; ops are written only for fields that actually change.
  @discardableResult
  public func edit(_ id: String, _ edit: TicketEdit) throws -> Change {
    if edit.isEmpty {
      throw DraftError(
        .invalidInput, "nothing to edit; give --title, -m, -F, -p, --add-label or --remove-label")
    }
    if let title = edit.title { try TicketText.check(title: title).orThrow { DraftError(.invalidInput, $0) } }
    if let body = edit.body { try TicketText.check(body: body).orThrow { DraftError(.invalidInput, $0) } }
    if let priority = edit.priority, !Priority.range.contains(priority) {
      throw DraftError(.invalidInput, "invalid priority \(priority); use 0-4")
    }
    for label in edit.addLabels + edit.removeLabels {
      try TicketText.check(label: label).orThrow { DraftError(.invalidInput, $0) }
    }
    return try change(id) { current in
      let ticket = current.ticket
      var ops: [Operation] = []
      if let title = edit.title, title != ticket.title { ops.append(.setTitle(title)) }
      if let body = edit.body, body != ticket.body { ops.append(.setBody(body)) }
      if let priority = edit.priority, priority != ticket.priority { ops.append(.setPriority(priority)) }
      let labels = Set(ticket.labels)
      ops += Set(edit.addLabels).subtracting(labels).sorted().map { .addLabel($0) }
      ops += Set(edit.removeLabels).intersection(labels).sorted().map { .removeLabel($0) }
      return ops
    }
  }

  /// Adds a comment to a ticket.
  @discardableResult
  public func comment(_ id: String, _ body: String) throws -> Change {
    guard !body.isEmpty else {
      throw DraftError(.invalidInput, "the comment is empty; give its text with -m or -F")
    }
    try TicketText.check(body: body).orThrow { DraftError(.invalidInput, $0) }
    return try change(id) { _ in [.comment(body: body, author: nil, at: nil)] }
  }

  /// Moves a ticket to another state, if the workflow allows it from where it is now.
  @discardableResult
  public func move(_ id: String, to target: WorkflowState, reason: String? = nil) throws -> Change {
    if let reason, reason.utf8.count > Limits.reasonBytes {
      throw DraftError(.invalidInput, "the reason is over \(Limits.reasonBytes) bytes")
    }
    return try change(id) { current in
      let state = current.ticket.state
      if state == target { return [] }
      guard state.canMove(to: target) else {
        throw DraftError(
          .invalidInput,
          "cannot move from \(state.rawValue) to \(target.rawValue); from \(state.rawValue) a ticket can move to: "
            + state.allowedMoves.map(\.rawValue).joined(separator: ", "))
      }
      return [.move(from: state, to: target, reason: reason)]
    }
  }
}
