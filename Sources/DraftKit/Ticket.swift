import GitKit

/// A ticket's current fields: what listings show and the board cache keeps.
/// Links are as stored on this ticket; reverse links (`blocks`, children) come from the `Board`.
public struct Ticket: Sendable, Equatable {
  public var id: String
  public var title: String
  public var body: String
  public var state: WorkflowState
  public var priority: Int
  public var labels: [String]
  public var blockedBy: [String]
  public var parent: String?
  public var related: [String]
  public var author: Person
  public var createdAt: Int64
  public var updatedAt: Int64
  public var commentCount: Int
  public var conflictCount: Int
}

extension Ticket {
  /// Every ticket this one links to, whatever the kind of link.
  var linkedIDs: [String] { blockedBy + related + (parent.map { [$0] } ?? []) }
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
  public var tip: ObjectID
}
