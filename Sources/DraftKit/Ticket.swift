import GitKit

/// A ticket's current fields: what listings show and the board cache keeps.
/// Links are as stored on this ticket; reverse links (`blocks`, children) come from the `Board`.
///
/// A class, so that sorting and filtering ten thousand of them moves one reference each
/// instead of copying fourteen fields. Fields are set only while replay or the cache builds
/// a ticket, before anything else can see it; after that it is read-only.
public final class Ticket: @unchecked Sendable, Equatable {
  public internal(set) var id: String
  public internal(set) var title: String
  public internal(set) var body: String
  public internal(set) var state: WorkflowState
  public internal(set) var priority: Int
  public internal(set) var labels: [String]
  public internal(set) var blockedBy: [String]
  public internal(set) var parent: String?
  public internal(set) var related: [String]
  public internal(set) var author: Person
  public internal(set) var createdAt: Int64
  public internal(set) var updatedAt: Int64
  public internal(set) var commentCount: Int
  public internal(set) var conflictCount: Int
  /// The last claim taken, expired or not (see `activeClaim`).
  public internal(set) var claim: Claim?

  init(
    id: String, title: String, body: String, state: WorkflowState, priority: Int, labels: [String] = [],
    blockedBy: [String] = [], parent: String? = nil, related: [String] = [], author: Person, createdAt: Int64,
    updatedAt: Int64, commentCount: Int = 0, conflictCount: Int = 0, claim: Claim? = nil
  ) {
    self.id = id
    self.title = title
    self.body = body
    self.state = state
    self.priority = priority
    self.labels = labels
    self.blockedBy = blockedBy
    self.parent = parent
    self.related = related
    self.author = author
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.commentCount = commentCount
    self.conflictCount = conflictCount
    self.claim = claim
  }

  /// The claim if it has not expired at `now`.
  public func activeClaim(at now: Int64 = EntityStore.now()) -> Claim? {
    claim.flatMap { $0.until > now ? $0 : nil }
  }

  public static func == (lhs: Ticket, rhs: Ticket) -> Bool {
    lhs.id == rhs.id && lhs.title == rhs.title && lhs.body == rhs.body && lhs.state == rhs.state
      && lhs.priority == rhs.priority && lhs.labels == rhs.labels && lhs.blockedBy == rhs.blockedBy
      && lhs.parent == rhs.parent && lhs.related == rhs.related && lhs.author == rhs.author
      && lhs.createdAt == rhs.createdAt && lhs.updatedAt == rhs.updatedAt
      && lhs.commentCount == rhs.commentCount
      && lhs.conflictCount == rhs.conflictCount && lhs.claim == rhs.claim
  }
}

/// The fields of a ticket that ordering and picking need, kept in the cache's index so that
/// commands can choose which tickets to decode.
public struct TicketSummary: Sendable, Equatable {
  public var id: String
  public var state: WorkflowState
  public var priority: Int
  public var createdAt: Int64
  public var updatedAt: Int64
}

extension Ticket {
  var summary: TicketSummary {
    TicketSummary(id: id, state: state, priority: priority, createdAt: createdAt, updatedAt: updatedAt)
  }

  /// Every ticket this one links to, whatever the kind of link.
  var linkedIDs: [String] { blockedBy + related + (parent.map { [$0] } ?? []) }
}

/// Who is working a ticket, from which machine, until when (a lease: renewed while working,
/// anyone may take the ticket over once it has expired).
public struct Claim: Sendable, Equatable {
  public var holder: Person
  public var machine: String
  public var until: Int64

  /// True when `author` on `machine` holds it (and may renew or release it).
  func isHeld(by author: Person, on machine: String) -> Bool {
    holder.email == author.email && self.machine == machine
  }

  public var display: String { "\(holder.display) on \(machine) until \(RFC3339.format(until))" }
}

public struct Comment: Sendable, Equatable {
  public var author: Person
  public var body: String
  public var createdAt: Int64
}

/// One op as it happened to the ticket. `conflict` says why an op was not applied: it stays in
/// history (nothing is dropped) but did not change the ticket.
public struct HistoryEntry: Sendable, Equatable {
  public var action: String
  public var author: Person
  public var at: Int64
  public var from: String?
  public var to: String?
  public var detail: String?
  public var conflict: String?
}

/// A ticket with everything `show` prints.
public struct TicketDetail: Sendable {
  public var ticket: Ticket
  public var comments: [Comment]
  public var history: [HistoryEntry]
  public var revisions: [Revision]
  public var feedback: [Feedback]
  public var tip: ObjectID
}
