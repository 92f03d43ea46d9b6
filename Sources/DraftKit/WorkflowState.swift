/// Where a ticket is in the workflow, and the moves allowed between states.
public enum WorkflowState: String, CaseIterable, Codable, Sendable, Comparable {
  case proposed, planned, executing, verifying
  case needsHuman = "needs_human"
  case blocked, done, abandoned

  /// The transition table of the system git-draft grew from.
  public var allowedMoves: [WorkflowState] {
    switch self {
    case .proposed: [.planned, .abandoned]
    case .planned: [.proposed, .executing, .blocked, .abandoned]
    case .executing: [.verifying, .needsHuman, .blocked]
    case .verifying: [.executing, .needsHuman, .blocked, .done]
    case .needsHuman: [.executing, .planned, .blocked, .done, .abandoned]
    case .blocked: [.planned, .executing, .abandoned]
    case .done: [.executing]
    case .abandoned: [.planned]
    }
  }

  public func canMove(to target: WorkflowState) -> Bool { allowedMoves.contains(target) }

  /// Done and abandoned tickets are closed: hidden from listings unless asked for.
  public var isClosed: Bool { self == .done || self == .abandoned }

  public static func < (lhs: WorkflowState, rhs: WorkflowState) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// Parses a state name as users type it (`needs-human` is accepted for `needs_human`).
  public init(parsing text: String) throws {
    let normalized = text.lowercased().replacing("-", with: "_")
    guard let state = WorkflowState(rawValue: normalized) else {
      throw DraftError(
        .invalidInput,
        "unknown state '\(text)'; states are: \(WorkflowState.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    self = state
  }
}

/// Priority 0 (most urgent) to 4; the words critical, high, medium, low, backlog name them.
public enum Priority {
  public static let names = ["critical", "high", "medium", "low", "backlog"]
  public static let range = 0...4
  public static let standard = 2

  public static func parse(_ text: String) throws -> Int {
    if let number = Int(text), range.contains(number) { return number }
    if let index = names.firstIndex(of: text.lowercased()) { return index }
    throw DraftError(
      .invalidInput,
      "invalid priority '\(text)'; use 0-4 or one of: \(names.joined(separator: ", "))")
  }
}
