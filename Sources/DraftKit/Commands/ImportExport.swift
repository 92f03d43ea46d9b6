import FoundationEssentials
import GitKit

/// One line of `git draft import`: the field names of `list --json`. `key` (or, in an export,
/// `id`) names the line so that other lines' `blocked_by`, `parent` and `related` can refer to
/// it; references that name no line are resolved as ticket ids on this board.
///
/// An exported line also carries `packs`: the ticket's whole op history. When present it is
/// what is imported (the other fields are then only for people), so that nothing is lost:
/// the same id, history, authors, times and reasons.
struct ImportLine: Decodable {
  var key: String?
  var id: String?
  var title: String
  var body: String?
  var state: String?
  var priority: PriorityValue?
  var labels: [String]?
  var blocked_by: [String]?
  var parent: String?
  var related: [String]?
  var author: Person?
  var created_at: String?
  var comments: [CommentLine]?
  var packs: [OpPack]?

  struct CommentLine: Decodable {
    var author: Person?
    var body: String
    var created_at: String?
  }

  /// Priorities may be written as numbers or as words.
  struct PriorityValue: Decodable {
    var text: String
    init(from decoder: Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let number = try? c.decode(Int.self) {
        text = String(number)
      } else {
        text = try c.decode(String.self)
      }
    }
  }
}

public struct ImportSummary: Sendable {
  /// Created ticket ids, in input order.
  public var ids: [String]
  /// Exported tickets that were already on the board, left as they were.
  public var alreadyPresent: Int
}

extension Draft {
  /// Imports JSON Lines. Every line is checked before anything is written: a bad line names its
  /// number and nothing is imported.
  public func importTickets(_ input: [UInt8]) throws -> ImportSummary {
    let author = try author()
    let lines = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    var parsed: [(number: Int, line: ImportLine)] = []
    let decoder = JSONDecoder()
    for (index, raw) in lines.enumerated() where !raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) {
      do {
        parsed.append((index + 1, try decoder.decode(ImportLine.self, from: Data(raw))))
      } catch {
        throw DraftError(.invalidInput, "line \(index + 1): not a ticket in JSON (\(Self.describe(error)))")
      }
    }
    let plan = try ImportPlan(parsed, board: try board(), author: author)
    let histories = try plan.histories()
    let prepared = try git {
      try repository.batchWrites {
        try histories.map { try tickets.prepare($0.packs) }
      }
    }
    try git {
      try repository.createPackedReferences(
        prepared.map { Reference(name: tickets.refName($0.id), target: $0.tip) })
    }
    var known: [String: (tip: ObjectID, ticket: Ticket)] = [:]
    for (entity, history) in zip(prepared, histories) {
      known[entity.id] = (entity.tip, try ImportPlan.replay(history.packs, id: entity.id).ticket)
    }
    _ = try Board.load(repository, known: known)
    let created = plan.items.indices.filter { !plan.present.contains($0) }
    return ImportSummary(
      ids: created.map { prepared[plan.inputOrder[$0]].id }, alreadyPresent: plan.present.count)
  }

  /// Every ticket as one JSON line: the fields of `list --json`, its comments, and `packs`,
  /// its whole op history in replay order, which `import` reads back without loss.
  public func exportTickets() throws -> [String] {
    let board = try board()
    return try board.tickets.map { ticket in
      guard let tip = try git({ try repository.referenceTarget(tickets.refName(ticket.id)) }) else {
        throw DraftError(.notFound, "ticket \(ticket.id) disappeared during the export; try again")
      }
      let entity = try tickets.read(id: ticket.id, tip: tip)
      let detail = try TicketReplay.replay(entity)
      let packs = try entity.commits.filter { !$0.pack.ops.isEmpty }.map {
        JSONValue.raw(String(decoding: try CanonicalJSON.encode($0.pack), as: UTF8.self))
      }
      guard
        case .object(var fields) = TicketJSON.object(detail.ticket, board: board, comments: detail.comments)
      else { return "" }
      fields.append(("packs", .array(packs)))
      return JSONValue.object(fields).serialized()
    }
  }

  static func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): "missing \"\(key.stringValue)\""
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      "wrong type for \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
    default: "invalid JSON"
    }
  }
}

/// Turns checked import lines into op packs, ordered so that every ticket a pack links to by
/// `blocked_by` or `parent` is created before it (its id, a hash of its first pack, is then known).
struct ImportPlan {
  struct Item {
    var number: Int
    var line: ImportLine
    /// An exported history, imported as it is, and the id it gives.
    var history: (packs: [OpPack], id: String)? = nil
    var state: WorkflowState
    var priority: Int
    var blockedBy: [Reference] = []
    var parent: Reference?
    var related: [Reference] = []
  }

  enum Reference: Hashable {
    case line(Int)
    case ticket(String)
  }

  var items: [Item] = []
  /// Items whose exported history is already on the board: left as they are.
  var present = Set<Int>()
  /// Item indexes in creation order (without those already present).
  var creationOrder: [Int] = []
  /// For each input item, its position in creation order.
  var inputOrder: [Int] = []
  let author: Person

  init(_ lines: [(number: Int, line: ImportLine)], board: Board, author: Person) throws {
    self.author = author
    var keys: [String: Int] = [:]
    for (index, entry) in lines.enumerated() {
      for key in [entry.line.key, entry.line.id].compactMap({ $0 }) {
        guard keys[key] == nil else {
          throw DraftError(.invalidInput, "line \(entry.number): key '\(key)' is used twice")
        }
        keys[key] = index
      }
    }
    func reference(_ text: String, _ number: Int) throws -> Reference {
      if let index = keys[text] { return .line(index) }
      do {
        return .ticket(try board.resolve(text).id)
      } catch let error as DraftError {
        throw DraftError(
          .invalidInput, "line \(number): '\(text)' names no line and no ticket (\(error.message))")
      }
    }
    for (number, line) in lines {
      do {
        var item = try Self.item(number, line, reference: reference)
        if let packs = line.packs {
          let history = try Self.history(packs, claimedID: line.id)
          item.history = history
          // Importing an export twice changes nothing the second time.
          if board.allIDs.contains(history.id) { present.insert(items.count) }
        }
        items.append(item)
      } catch let error as DraftError {
        throw DraftError(error.kind, "line \(number): \(error.message)")
      }
    }
    creationOrder = try Self.order(items).filter { !present.contains($0) }
    inputOrder = Array(repeating: 0, count: items.count)
    for (position, index) in creationOrder.enumerated() { inputOrder[index] = position }
  }

  /// An exported history made ready to write: the packs as one chain (Lamport time is the
  /// position; the order is the source's replay order), checked as a read of refs would be.
  static func history(_ packs: [OpPack], claimedID: String?) throws -> (packs: [OpPack], id: String) {
    let chain = packs.enumerated().map { position, pack in
      OpPack(author: pack.author, lamport: position + 1, time: pack.time, ops: pack.ops)
    }
    guard let root = chain.first, packs.allSatisfy({ $0.version == OpPack.formatVersion }) else {
      throw DraftError(.invalidInput, "\"packs\" is empty or of an unknown format")
    }
    let id = try EntityStore.id(of: root)
    if let claimedID, claimedID != id {
      throw DraftError(
        .invalidInput, "its packs do not hash to its id \(claimedID.prefix(12)) (was the export edited?)")
    }
    _ = try replay(chain, id: id)
    return (chain, id)
  }

  /// The ticket a chain of packs makes, with every check a read of refs makes.
  static func replay(_ packs: [OpPack], id: String) throws -> TicketDetail {
    let placeholder = ObjectID(bytes: [UInt8](repeating: 0, count: 20))!
    let commits = packs.map { EntityCommit(id: placeholder, parents: [], pack: $0) }
    do {
      return try TicketReplay.replay(Entity(id: id, tip: placeholder, commits: commits))
    } catch let error as DraftError {
      throw DraftError(
        .invalidInput,
        error.message.replacing("refs/draft/tickets/\(id) is not a valid git-draft entity: ", with: ""))
    }
  }

  /// One line checked and turned into an item; references are resolved by `reference`.
  private static func item(_ number: Int, _ line: ImportLine, reference: (String, Int) throws -> Reference)
    throws -> Item
  {
    func fail(_ reason: String) -> DraftError { DraftError(.invalidInput, reason) }
    try TicketText.check(title: line.title).orThrow(fail)
    try TicketText.check(body: line.body ?? "").orThrow(fail)
    for label in line.labels ?? [] { try TicketText.check(label: label).orThrow(fail) }
    for comment in line.comments ?? [] {
      try TicketText.check(body: comment.body).orThrow(fail)
      if let at = comment.created_at, RFC3339.parse(at) == nil {
        throw fail("comment time '\(at)' is not an RFC 3339 time")
      }
    }
    if let at = line.created_at, RFC3339.parse(at) == nil {
      throw fail("created_at '\(at)' is not an RFC 3339 time")
    }
    var item = Item(
      number: number, line: line, state: try line.state.map { try WorkflowState(parsing: $0) } ?? .proposed,
      priority: try line.priority.map { try Priority.parse($0.text) } ?? Priority.standard)
    // An exported history carries its links in its packs; the fields only describe them.
    guard line.packs == nil else { return item }
    item.blockedBy = try (line.blocked_by ?? []).map { try reference($0, number) }
    item.parent = try line.parent.map { try reference($0, number) }
    item.related = try (line.related ?? []).map { try reference($0, number) }
    return item
  }

  /// Depth-first order over `blocked_by` and `parent` references between lines; a cycle is an error.
  static func order(_ items: [Item]) throws -> [Int] {
    var order: [Int] = []
    var mark = [UInt8](repeating: 0, count: items.count)  // 0 new, 1 visiting, 2 done
    func visit(_ index: Int) throws {
      if mark[index] == 2 { return }
      if mark[index] == 1 {
        throw DraftError(
          .invalidInput, "line \(items[index].number): blocked_by/parent references form a cycle")
      }
      mark[index] = 1
      for case .line(let other) in items[index].blockedBy + [items[index].parent].compactMap({ $0 }) {
        try visit(other)
      }
      mark[index] = 2
      order.append(index)
    }
    for index in items.indices { try visit(index) }
    return order
  }

  /// The packs of every ticket, in creation order: an exported history as it is, else one
  /// first pack made from the line's fields. A related link (symmetric, possibly listed on both
  /// lines) is written once, on whichever of its two tickets is created later.
  func histories() throws -> [(packs: [OpPack], title: String)] {
    var ids = items.map { $0.history?.id }
    var relatedFrom = [[Int]](repeating: [], count: items.count)
    for (index, item) in items.enumerated() {
      for case .line(let other) in item.related { relatedFrom[other].append(index) }
    }
    func target(_ reference: Reference) -> String? {
      switch reference {
      case .line(let index): ids[index]
      case .ticket(let id): id
      }
    }
    var result: [([OpPack], String)] = []
    result.reserveCapacity(items.count)
    for index in creationOrder {
      let item = items[index]
      let line = item.line
      if let history = item.history {
        result.append((history.packs, line.title))
        continue
      }
      var ops: [Operation] = [
        .create(
          title: line.title, body: line.body ?? "", state: item.state, priority: item.priority,
          nonce: Nonce.make())
      ]
      ops += Set(line.labels ?? []).sorted().map { .addLabel($0) }
      ops += Set(item.blockedBy.compactMap(target)).sorted().map { .link(.blockedBy, target: $0) }
      if let parent = item.parent.flatMap(target) { ops.append(.link(.parent, target: parent)) }
      let related = Set(item.related.compactMap(target) + relatedFrom[index].compactMap { ids[$0] })
      ops += related.sorted().map { .link(.related, target: $0) }
      ops += (line.comments ?? []).map {
        .comment(body: $0.body, author: $0.author, at: $0.created_at.flatMap(RFC3339.parse))
      }
      let time = line.created_at.flatMap(RFC3339.parse) ?? EntityStore.now()
      let pack = OpPack(author: line.author ?? author, lamport: 1, time: time, ops: ops)
      ids[index] = try EntityStore.id(of: pack)
      result.append(([pack], line.title))
    }
    return result
  }
}
