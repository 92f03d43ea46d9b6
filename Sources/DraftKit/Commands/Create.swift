/// What `git draft new` asks for.
public struct NewTicket: Sendable {
  public var title: String
  public var body: String = ""
  public var priority: Int = Priority.standard
  public var labels: [String] = []
  /// Ticket ids or unique prefixes.
  public var blockedBy: [String] = []
  public var parent: String? = nil
  public var state: WorkflowState = .proposed

  public init(title: String) { self.title = title }
}

extension Draft {
  /// Creates a ticket and returns its id.
  public func create(_ request: NewTicket) throws -> String {
    try TicketText.check(title: request.title).orThrow { DraftError(.invalidInput, $0) }
    try TicketText.check(body: request.body).orThrow { DraftError(.invalidInput, $0) }
    for label in request.labels {
      try TicketText.check(label: label).orThrow { DraftError(.invalidInput, $0) }
    }
    guard Priority.range.contains(request.priority) else {
      throw DraftError(.invalidInput, "invalid priority \(request.priority); use 0-4")
    }
    guard request.state == .proposed || request.state == .planned else {
      throw DraftError(
        .invalidInput, "a new ticket starts proposed or planned, not \(request.state.rawValue)")
    }
    let author = try author()
    var ops: [Operation] = [
      .create(
        title: request.title, body: request.body, state: request.state, priority: request.priority,
        nonce: Nonce.make())
    ]
    ops += Set(request.labels).sorted().map { .addLabel($0) }
    if !request.blockedBy.isEmpty || request.parent != nil {
      let board = try board()
      ops += try Set(request.blockedBy.map { try board.resolve($0).id }).sorted().map {
        .link(.blockedBy, target: $0)
      }
      if let parent = request.parent { ops.append(.link(.parent, target: try board.resolve(parent).id)) }
    }
    let pack = OpPack(author: author, lamport: 1, time: EntityStore.now(), ops: ops)
    return try tickets.create(pack).id
  }
}

/// Random hex that makes two tickets with the same text have different ids.
enum Nonce {
  static func make() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
  }
}
