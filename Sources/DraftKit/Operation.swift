/// The kinds of link between tickets. Each link is stored once, on the ticket it was written to:
/// `blocked_by` and `parent` point from the dependent ticket; `related` is symmetric.
public enum LinkKind: String, Codable, Sendable, CaseIterable {
  case blockedBy = "blocked_by"
  case parent
  case related
}

/// A person as git names them.
public struct Person: Codable, Sendable, Hashable {
  public var name: String
  public var email: String

  public init(name: String, email: String) {
    self.name = name
    self.email = email
  }

  public var display: String { "\(name) <\(email)>" }
}

/// One change to a ticket. Ops are facts: replay decides what they do to the state.
public enum Operation: Sendable, Equatable {
  case create(title: String, body: String, state: WorkflowState, priority: Int, nonce: String)
  case setTitle(String)
  case setBody(String)
  case setPriority(Int)
  case addLabel(String)
  case removeLabel(String)
  /// `from` is the state the writer saw; replay applies the move only from that state.
  case move(from: WorkflowState, to: WorkflowState, reason: String?)
  /// `author` and `at` are set only when a comment is imported with its original author and time.
  case comment(body: String, author: Person?, at: Int64?)
  case link(LinkKind, target: String)
  case unlink(LinkKind, target: String)
  /// The pack's author takes (or renews) the ticket from `machine` until the given time.
  case claim(machine: String, until: Int64)
  /// Ends the author's claim from `machine`; `force` ends anyone's.
  case release(machine: String, force: Bool)
  /// An agent run (or hand-off) finished: what it produced and cost.
  case revision(Revision)
  /// A reviewer's comment or decision on a revision, or a conflict found merging it.
  case feedback(Feedback)
}

extension Operation: Codable {
  private enum Key: String, CodingKey {
    case type, title, body, state, priority, nonce, label, from, to, reason, author, at, link, target
    case machine, until, force, revision, feedback
  }

  private enum Tag: String, Codable {
    case create
    case setTitle = "set_title"
    case setBody = "set_body"
    case setPriority = "set_priority"
    case addLabel = "add_label"
    case removeLabel = "remove_label"
    case move, comment, link, unlink, claim, release, revision, feedback
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    switch try c.decode(Tag.self, forKey: .type) {
    case .create:
      self = .create(
        title: try c.decode(String.self, forKey: .title), body: try c.decode(String.self, forKey: .body),
        state: try c.decode(WorkflowState.self, forKey: .state),
        priority: try c.decode(Int.self, forKey: .priority),
        nonce: try c.decode(String.self, forKey: .nonce))
    case .setTitle: self = .setTitle(try c.decode(String.self, forKey: .title))
    case .setBody: self = .setBody(try c.decode(String.self, forKey: .body))
    case .setPriority: self = .setPriority(try c.decode(Int.self, forKey: .priority))
    case .addLabel: self = .addLabel(try c.decode(String.self, forKey: .label))
    case .removeLabel: self = .removeLabel(try c.decode(String.self, forKey: .label))
    case .move:
      self = .move(
        from: try c.decode(WorkflowState.self, forKey: .from),
        to: try c.decode(WorkflowState.self, forKey: .to),
        reason: try c.decodeIfPresent(String.self, forKey: .reason))
    case .comment:
      self = .comment(
        body: try c.decode(String.self, forKey: .body),
        author: try c.decodeIfPresent(Person.self, forKey: .author),
        at: try c.decodeIfPresent(Int64.self, forKey: .at))
    case .link:
      self = .link(
        try c.decode(LinkKind.self, forKey: .link), target: try c.decode(String.self, forKey: .target))
    case .unlink:
      self = .unlink(
        try c.decode(LinkKind.self, forKey: .link), target: try c.decode(String.self, forKey: .target))
    case .claim:
      self = .claim(
        machine: try c.decode(String.self, forKey: .machine), until: try c.decode(Int64.self, forKey: .until))
    case .release:
      self = .release(
        machine: try c.decode(String.self, forKey: .machine), force: try c.decode(Bool.self, forKey: .force))
    case .revision: self = .revision(try c.decode(Revision.self, forKey: .revision))
    case .feedback: self = .feedback(try c.decode(Feedback.self, forKey: .feedback))
    }
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: Key.self)
    switch self {
    case .create(let title, let body, let state, let priority, let nonce):
      try c.encode(Tag.create, forKey: .type)
      try c.encode(title, forKey: .title)
      try c.encode(body, forKey: .body)
      try c.encode(state, forKey: .state)
      try c.encode(priority, forKey: .priority)
      try c.encode(nonce, forKey: .nonce)
    case .setTitle(let title):
      try c.encode(Tag.setTitle, forKey: .type)
      try c.encode(title, forKey: .title)
    case .setBody(let body):
      try c.encode(Tag.setBody, forKey: .type)
      try c.encode(body, forKey: .body)
    case .setPriority(let priority):
      try c.encode(Tag.setPriority, forKey: .type)
      try c.encode(priority, forKey: .priority)
    case .addLabel(let label):
      try c.encode(Tag.addLabel, forKey: .type)
      try c.encode(label, forKey: .label)
    case .removeLabel(let label):
      try c.encode(Tag.removeLabel, forKey: .type)
      try c.encode(label, forKey: .label)
    case .move(let from, let to, let reason):
      try c.encode(Tag.move, forKey: .type)
      try c.encode(from, forKey: .from)
      try c.encode(to, forKey: .to)
      try c.encodeIfPresent(reason, forKey: .reason)
    case .comment(let body, let author, let at):
      try c.encode(Tag.comment, forKey: .type)
      try c.encode(body, forKey: .body)
      try c.encodeIfPresent(author, forKey: .author)
      try c.encodeIfPresent(at, forKey: .at)
    case .link(let kind, let target):
      try c.encode(Tag.link, forKey: .type)
      try c.encode(kind, forKey: .link)
      try c.encode(target, forKey: .target)
    case .unlink(let kind, let target):
      try c.encode(Tag.unlink, forKey: .type)
      try c.encode(kind, forKey: .link)
      try c.encode(target, forKey: .target)
    case .claim(let machine, let until):
      try c.encode(Tag.claim, forKey: .type)
      try c.encode(machine, forKey: .machine)
      try c.encode(until, forKey: .until)
    case .release(let machine, let force):
      try c.encode(Tag.release, forKey: .type)
      try c.encode(machine, forKey: .machine)
      try c.encode(force, forKey: .force)
    case .revision(let revision):
      try c.encode(Tag.revision, forKey: .type)
      try c.encode(revision, forKey: .revision)
    case .feedback(let feedback):
      try c.encode(Tag.feedback, forKey: .type)
      try c.encode(feedback, forKey: .feedback)
    }
  }
}

/// The content of one entity commit: who wrote which ops, at which logical and wall time.
/// Merge commits carry a pack with no ops.
public struct OpPack: Codable, Sendable, Equatable {
  public static let formatVersion = 1

  public var version: Int
  public var author: Person
  /// Lamport time: one more than the highest of the parent commits' packs.
  public var lamport: Int
  /// Wall time, seconds since 1970 (informational: replay order uses `lamport`).
  public var time: Int64
  public var ops: [Operation]

  public init(author: Person, lamport: Int, time: Int64, ops: [Operation]) {
    self.version = Self.formatVersion
    self.author = author
    self.lamport = lamport
    self.time = time
    self.ops = ops
  }
}

extension OpPack {
  /// One line saying what the pack does: the message of the commit that holds it.
  var summary: String {
    guard let first = ops.first else { return "merge" }
    return ops.count == 1 ? first.summary : "\(first.summary) (+\(ops.count - 1) more)"
  }
}

extension Operation {
  var summary: String {
    switch self {
    case .create(let title, _, _, _, _): "create: \(Terminal.clean(String(title.prefix(72))))"
    case .setTitle: "edit title"
    case .setBody: "edit body"
    case .setPriority(let priority): "set priority \(priority)"
    case .addLabel(let label): "label \(Terminal.clean(label))"
    case .removeLabel(let label): "unlabel \(Terminal.clean(label))"
    case .move(let from, let to, _): "move \(from.rawValue) → \(to.rawValue)"
    case .comment: "comment"
    case .link(let kind, let target): "link \(kind.rawValue) \(target.prefix(12))"
    case .unlink(let kind, let target): "unlink \(kind.rawValue) \(target.prefix(12))"
    case .claim(let machine, _): "claim on \(Terminal.clean(machine))"
    case .release: "release"
    case .revision(let revision): "revision: \(revision.outcome.rawValue)"
    case .feedback(let feedback): "feedback: \(feedback.kind.rawValue)"
    }
  }
}
