import FoundationEssentials
import GitKit
import Glibc

/// A ref under the ticket namespace that could not be read as a ticket; listings skip it and
/// report it by name. Nothing is ever deleted because of it.
public struct InvalidTicket: Sendable, Equatable {
  public var ref: String
  public var reason: String
}

/// Every ticket on the board, with the derived views that need all of them: reverse links,
/// readiness, short ids and prefix lookup.
public struct Board: Sendable {
  /// Valid tickets in id order: all of them, or those a focused or selective load decoded.
  public let tickets: [Ticket]
  /// Every valid ticket's summary, in id order, whatever was decoded.
  public let summaries: [TicketSummary]
  public let invalid: [InvalidTicket]
  /// Every id that has a ref (valid or not), sorted: short ids must be unique among all.
  let allIDs: [String]
  private let positions: [String: Int]
  /// The short id length of each ticket, computed once from its neighbours in `allIDs`.
  private let shortLengths: [Int]
  private let blocking: [String: [String]]
  private let children: [String: [String]]
  private let relatedBack: [String: [String]]

  init(tickets: [Ticket], summaries: [TicketSummary], invalid: [InvalidTicket], allIDs: [String]) {
    self.tickets = tickets
    self.summaries = summaries
    self.invalid = invalid
    self.allIDs = allIDs
    var positions: [String: Int] = [:]
    var blocking: [String: [String]] = [:]
    var children: [String: [String]] = [:]
    var relatedBack: [String: [String]] = [:]
    positions.reserveCapacity(tickets.count)
    for (index, ticket) in tickets.enumerated() {
      positions[ticket.id] = index
      for blocker in ticket.blockedBy { blocking[blocker, default: []].append(ticket.id) }
      if let parent = ticket.parent { children[parent, default: []].append(ticket.id) }
      for other in ticket.related { relatedBack[other, default: []].append(ticket.id) }
    }
    self.positions = positions
    // Both lists are in id order: one walk finds each ticket's neighbours among all ids.
    var shortLengths: [Int] = []
    shortLengths.reserveCapacity(tickets.count)
    var cursor = 0
    for ticket in tickets {
      while cursor < allIDs.count, allIDs[cursor] != ticket.id { cursor += 1 }
      shortLengths.append(Self.shortLength(at: min(cursor, allIDs.count - 1), in: allIDs))
    }
    self.shortLengths = shortLengths
    self.blocking = blocking
    self.children = children
    self.relatedBack = relatedBack
  }

  public func ticket(_ id: String) -> Ticket? { positions[id].map { tickets[$0] } }

  /// Tickets that list `id` as a blocker.
  public func blocks(_ id: String) -> [String] { blocking[id] ?? [] }
  public func children(of id: String) -> [String] { children[id] ?? [] }

  /// Related both ways: links written on this ticket and on the others.
  public func related(_ ticket: Ticket) -> [String] {
    Array(Set(ticket.related + (relatedBack[ticket.id] ?? []))).sorted()
  }

  /// The summary of any valid ticket on the board, decoded or not.
  public func summary(_ id: String) -> TicketSummary? {
    let index = summaries.firstIndex(notBelow: id, by: \.id)
    return index < summaries.count && summaries[index].id == id ? summaries[index] : nil
  }

  /// Blockers that are not done (a blocker missing from the board counts as not done).
  public func openBlockers(of ticket: Ticket) -> [String] {
    ticket.blockedBy.filter { summary($0)?.state != .done }
  }

  /// Planned, unblocked and unclaimed: what `next` may hand out.
  public func isReady(_ ticket: Ticket) -> Bool {
    ticket.state == .planned && ticket.activeClaim() == nil && openBlockers(of: ticket).isEmpty
  }

  /// The shortest prefix of at least 7 digits that no other id on the board shares.
  public func shortID(_ id: String) -> String {
    if let position = positions[id] { return String(id.prefix(shortLengths[position])) }
    let ids = allIDs
    let low = ids.firstIndex(notBelow: id, by: { $0 })
    var length = 7
    if low > 0 { length = max(length, Self.commonPrefixLength(ids[low - 1], id) + 1) }
    let next = low < ids.count && ids[low] == id ? low + 1 : low
    if next < ids.count { length = max(length, Self.commonPrefixLength(ids[next], id) + 1) }
    return String(id.prefix(length))
  }

  /// The short id length of `ids[index]` given its neighbours.
  static func shortLength(at index: Int, in ids: [String]) -> Int {
    var length = 7
    if index > 0 { length = max(length, commonPrefixLength(ids[index - 1], ids[index]) + 1) }
    if index + 1 < ids.count { length = max(length, commonPrefixLength(ids[index + 1], ids[index]) + 1) }
    return length
  }

  /// Finds the ticket whose id starts with `prefix` (4 or more hex digits).
  public func resolve(_ prefix: String) throws -> Ticket {
    let key = prefix.lowercased()
    guard key.utf8.count >= 4, key.utf8.count <= 64, key.utf8.allSatisfy(Self.isHexDigit) else {
      throw DraftError(.invalidInput, "'\(prefix)' is not a ticket id; give 4 or more hex digits of one")
    }
    let matches = Self.idsWithPrefix(key, in: allIDs)
    if matches.isEmpty {
      throw DraftError(.notFound, "no ticket matches '\(prefix)'; 'git draft list --all' shows them all")
    }
    if matches.count > 1 {
      let names = matches.prefix(10).map { id in
        "\(shortID(id)) \(self.ticket(id).map { Terminal.clean($0.title) } ?? "(invalid)")"
      }
      throw DraftError(
        .ambiguous,
        "ticket id '\(prefix)' is ambiguous: \(names.joined(separator: ", "))\(matches.count > 10 ? ", ..." : "")"
      )
    }
    guard let ticket = ticket(matches[0]) else {
      let reason = invalid.first { $0.ref.hasSuffix(matches[0]) }?.reason ?? "it is invalid"
      throw DraftError(.corrupt, reason)
    }
    return ticket
  }

  static func idsWithPrefix(_ prefix: String, in sorted: [String]) -> [String] {
    var low = sorted.firstIndex(notBelow: prefix, by: { $0 })
    var found: [String] = []
    while low < sorted.count, sorted[low].hasPrefix(prefix) {
      found.append(sorted[low])
      low += 1
    }
    return found
  }

  static func commonPrefixLength(_ a: String, _ b: String) -> Int {
    var (left, right) = (a.utf8.makeIterator(), b.utf8.makeIterator())
    var count = 0
    while let x = left.next(), let y = right.next(), x == y { count += 1 }
    return count
  }

  static func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
  }
}

extension Board {
  /// Loads the board: every ticket ref, replayed only where its tip differs from the cache.
  /// Invalid refs are collected, never thrown: one bad push must not take the board down.
  ///
  /// With `focus` (a ticket id prefix), only the tickets needed to show that one are decoded:
  /// it, the tickets it links to, and those whose cached text mentions its id (the only ones
  /// that can link to it). Everything derived about the focused ticket is still exact.
  ///
  /// With `select`, only the tickets it picks from the summaries of all (state, priority,
  /// times: what the cache's index holds) are decoded; the board still knows every ticket's
  /// summary.
  ///
  /// `known` are tickets the caller just wrote (by id, with their tip): taken as they are
  /// instead of being read back, so that an import leaves the cache warm.
  static func load(
    _ repository: Repository, focus: String? = nil, select: (([TicketSummary]) -> Set<String>)? = nil,
    known: [String: (tip: ObjectID, ticket: Ticket)] = [:]
  ) throws -> Board {
    for trustCache in [true, false] {
      guard let scan = try Scan(repository, trustCache: trustCache, known: known) else { continue }
      let wanted = focus.map { scan.neighbourhood(of: $0) } ?? select.map { $0(scan.summaries) }
      if let tickets = scan.decode(only: wanted) {
        return Board(tickets: tickets, summaries: scan.summaries, invalid: scan.invalid, allIDs: scan.allIDs)
      }
    }
    throw DraftError(.git, "cannot read the board cache; delete .git/draft/cache and try again")
  }

  /// The refs compared with the cache: what is current, what had to be replayed, what is invalid.
  private struct Scan {
    enum Content {
      case cached(BoardCache.Entry)
      case replayed(Ticket)
      case invalid(String)
    }

    /// One per ticket ref, in id order.
    var records: [(id: String, tip: ObjectID, content: Content)] = []
    /// One per valid ticket, in id order.
    var summaries: [TicketSummary] = []
    var invalid: [InvalidTicket] = []
    let cache: BoardCache
    /// Every ticket ref's id, in order (valid or not).
    var allIDs: [String] = []

    /// Nil when the cache turns out to be damaged.
    init?(_ repository: Repository, trustCache: Bool, known: [String: (tip: ObjectID, ticket: Ticket)]) throws
    {
      let store = EntityStore(repository: repository, kind: "tickets")
      let prefix = store.refPrefix.utf8.count
      let cachePath = BoardCache.path(in: repository)
      let cache = trustCache ? BoardCache.open(cachePath) : .empty
      self.cache = cache
      var found: [(id: String, tip: ObjectID, content: Content, summary: TicketSummary?)] = []
      var changed = false
      var damaged = false
      var badNames: [String] = []
      try git {
        try repository.forEachReference(matching: store.refPrefix + "*") { name, tip in
          let idBytes = UnsafeBufferPointer(rebasing: name[prefix...])
          guard EntityStore.isEntityID(idBytes) else {
            badNames.append(String(decoding: name, as: UTF8.self))
            return
          }
          let id = String(decoding: idBytes, as: UTF8.self)
          if let entry = cache.entry(id: idBytes, tip: tip) {
            if entry.isTicket {
              guard let summary = cache.summary(entry, id: id) else {
                damaged = true
                return
              }
              found.append((id, tip, .cached(entry), summary))
            } else {
              found.append((id, tip, .invalid(String(decoding: cache.payload(entry), as: UTF8.self)), nil))
            }
            return
          }
          changed = true
          if let written = known[id], written.tip == tip {
            return found.append((id, tip, .replayed(written.ticket), written.ticket.summary))
          }
          do {
            let ticket = try TicketReplay.replay(try store.read(id: id, tip: tip)).ticket
            found.append((id, tip, .replayed(ticket), ticket.summary))
          } catch let error as DraftError {
            found.append((id, tip, .invalid(error.message), nil))
          }
        }
      }
      if damaged { return nil }
      found.sort { $0.id < $1.id }
      records = found.map { ($0.id, $0.tip, $0.content) }
      allIDs = found.map(\.id)
      summaries = found.compactMap(\.summary)
      invalid = badNames.sorted().map { InvalidTicket(ref: $0, reason: "\($0) is not named by a ticket id") }
      for record in records {
        if case .invalid(let reason) = record.content {
          invalid.append(InvalidTicket(ref: store.refName(record.id), reason: reason))
        }
      }
      if changed || cache.count != records.count { write(found, to: cachePath) }
    }

    private func write(
      _ found: [(id: String, tip: ObjectID, content: Content, summary: TicketSummary?)], to path: String
    ) {
      BoardCache.write(
        found.map { record in
          switch record.content {
          case .cached(let entry):
            BoardCache.Record(
              id: record.id, tip: record.tip, isTicket: true, summary: record.summary,
              links: Self.ids(in: cache.links(entry)), payload: Array(cache.payload(entry)))
          case .replayed(let ticket):
            BoardCache.Record(
              id: record.id, tip: record.tip, isTicket: true, summary: record.summary,
              links: ticket.linkedIDs,
              payload: BoardCache.encode(ticket))
          case .invalid(let reason):
            BoardCache.Record(
              id: record.id, tip: record.tip, isTicket: false, summary: nil, links: [],
              payload: Array(reason.utf8))
          }
        }, to: path)
    }

    static func ids(in links: UnsafeRawBufferPointer) -> [String] {
      stride(from: 0, to: links.count - 63, by: 64).map {
        String(decoding: UnsafeRawBufferPointer(rebasing: links[$0..<$0 + 64]), as: UTF8.self)
      }
    }

    /// The ids a view of one ticket needs; all ids the prefix matches when it is not unique
    /// (so that the error can name them).
    func neighbourhood(of prefix: String) -> Set<String> {
      let matches = Board.idsWithPrefix(prefix.lowercased(), in: allIDs)
      guard matches.count == 1, let id = matches.first else { return Set(matches) }
      var wanted: Set<String> = [id]
      let needle = Array(id.utf8)
      for record in records {
        switch record.content {
        case .cached(let entry): if Self.contains(cache.links(entry), needle) { wanted.insert(record.id) }
        case .replayed(let ticket): if ticket.linkedIDs.contains(id) { wanted.insert(record.id) }
        case .invalid: break
        }
      }
      if let own = decode(only: [id])?.first { wanted.formUnion(own.linkedIDs) }
      return wanted
    }

    /// True when the 64-byte id `needle` is one of the ids in `links`.
    static func contains(_ links: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
      guard let base = links.baseAddress else { return false }
      return stride(from: 0, to: links.count - 63, by: 64).contains { memcmp(base + $0, needle, 64) == 0 }
    }

    /// Decodes the tickets (all, or those `wanted`); nil when the cache is damaged.
    func decode(only wanted: Set<String>?) -> [Ticket]? {
      var tickets: [Ticket] = []
      tickets.reserveCapacity(wanted?.count ?? records.count)
      let picked: [(id: String, tip: ObjectID, content: Content)]
      if let wanted, wanted.count * 8 < records.count {
        // A few (`show`): found by binary search, not by hashing every id on the board.
        picked = wanted.sorted().compactMap { id in
          let index = records.firstIndex(notBelow: id, by: \.id)
          return index < records.count && records[index].id == id ? records[index] : nil
        }
      } else {
        picked = wanted.map { wanted in records.filter { wanted.contains($0.id) } } ?? records
      }
      for record in picked {
        switch record.content {
        case .replayed(let ticket): tickets.append(ticket)
        case .cached(let entry):
          var reader = ByteReader(cache.payload(entry))
          guard let ticket = try? Ticket(from: &reader), ticket.id == record.id else { return nil }
          tickets.append(ticket)
        case .invalid: break
        }
      }
      return tickets
    }
  }
}

extension Array {
  /// The first index whose key is not below `key`, in an array sorted by that key (binary search).
  func firstIndex<Key: Comparable>(notBelow key: Key, by keyOf: (Element) -> Key) -> Int {
    var low = 0
    var high = count
    while low < high {
      let mid = (low + high) / 2
      if keyOf(self[mid]) < key { low = mid + 1 } else { high = mid }
    }
    return low
  }
}
