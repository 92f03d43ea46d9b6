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
  /// Valid tickets in id order.
  public let tickets: [Ticket]
  public let invalid: [InvalidTicket]
  /// Every id that has a ref (valid or not), sorted: short ids must be unique among all.
  let allIDs: [String]
  private let positions: [String: Int]
  private let blocking: [String: [String]]
  private let children: [String: [String]]
  private let relatedBack: [String: [String]]

  init(tickets: [Ticket], invalid: [InvalidTicket], allIDs: [String]) {
    self.tickets = tickets
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

  /// Blockers that are not done (a blocker missing from the board counts as not done).
  public func openBlockers(of ticket: Ticket) -> [String] {
    ticket.blockedBy.filter { self.ticket($0)?.state != .done }
  }

  /// Planned, unblocked and unclaimed: what `next` may hand out.
  public func isReady(_ ticket: Ticket) -> Bool {
    ticket.state == .planned && openBlockers(of: ticket).isEmpty
  }

  /// The shortest prefix of at least 7 digits that no other id on the board shares.
  public func shortID(_ id: String) -> String {
    let ids = allIDs
    var low = 0
    var high = ids.count
    while low < high {
      let mid = (low + high) / 2
      if ids[mid] < id { low = mid + 1 } else { high = mid }
    }
    var length = 7
    if low > 0 { length = max(length, Self.commonPrefixLength(ids[low - 1], id) + 1) }
    let next = low < ids.count && ids[low] == id ? low + 1 : low
    if next < ids.count { length = max(length, Self.commonPrefixLength(ids[next], id) + 1) }
    return String(id.prefix(length))
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
    var low = 0
    var high = sorted.count
    while low < high {
      let mid = (low + high) / 2
      if sorted[mid] < prefix { low = mid + 1 } else { high = mid }
    }
    var found: [String] = []
    while low < sorted.count, sorted[low].hasPrefix(prefix) {
      found.append(sorted[low])
      low += 1
    }
    return found
  }

  static func commonPrefixLength(_ a: String, _ b: String) -> Int {
    zip(a.utf8, b.utf8).prefix { $0 == $1 }.count
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
  static func load(_ repository: Repository, focus: String? = nil) throws -> Board {
    for trustCache in [true, false] {
      let scan = try Scan(repository, trustCache: trustCache)
      let wanted = focus.map { scan.neighbourhood(of: $0) }
      if let tickets = scan.decode(only: wanted) {
        return Board(tickets: tickets, invalid: scan.invalid, allIDs: scan.allIDs)
      }
    }
    throw DraftError(.git, "cannot read the board cache; delete .git/draft/cache and try again")
  }

  /// The refs compared with the cache: what is current, what had to be replayed, what is invalid.
  private struct Scan {
    var cache = BoardCache()
    var replayed: [String: Ticket] = [:]
    var invalid: [InvalidTicket] = []
    var allIDs: [String] = []

    init(_ repository: Repository, trustCache: Bool) throws {
      let store = EntityStore(repository: repository, kind: "tickets")
      let refs = try git { try repository.references(matching: store.refPrefix + "*") }
      let cachePath = BoardCache.path(in: repository)
      var old = trustCache ? BoardCache.read(from: cachePath) : BoardCache()
      cache.entries.reserveCapacity(refs.count)
      allIDs.reserveCapacity(refs.count)
      var changed = false
      for ref in refs {
        let id = String(ref.name.dropFirst(store.refPrefix.count))
        guard EntityStore.isEntityID(id) else {
          invalid.append(InvalidTicket(ref: ref.name, reason: "\(ref.name) is not named by a ticket id"))
          continue
        }
        allIDs.append(id)
        if let cached = old.entries.removeValue(forKey: id), cached.tip == ref.target.hex {
          cache.entries[id] = cached
          if case .invalid(let reason) = cached.entry {
            invalid.append(InvalidTicket(ref: ref.name, reason: reason))
          }
          continue
        }
        changed = true
        do {
          let ticket = try TicketReplay.replay(try store.read(id: id, tip: ref.target)).ticket
          replayed[id] = ticket
          cache.entries[id] = (ref.target.hex, .ticket(json: ArraySlice(try CanonicalJSON.encode(ticket))))
        } catch let error as DraftError {
          invalid.append(InvalidTicket(ref: ref.name, reason: error.message))
          cache.entries[id] = (ref.target.hex, .invalid(error.message))
        }
      }
      if changed || !old.entries.isEmpty { cache.write(to: cachePath) }
    }

    /// The ids a view of one ticket needs; all ids the prefix matches when it is not unique
    /// (so that the error can name them).
    func neighbourhood(of prefix: String) -> Set<String> {
      let matches = Board.idsWithPrefix(prefix.lowercased(), in: allIDs)
      guard matches.count == 1, let id = matches.first else { return Set(matches) }
      var wanted: Set<String> = [id]
      let needle = Array(id.utf8)
      for (other, entry) in cache.entries {
        if case .ticket(let json) = entry.entry, json.contains(needle) { wanted.insert(other) }
      }
      for (other, ticket) in replayed
      where ticket.blockedBy.contains(id) || ticket.parent == id || ticket.related.contains(id) {
        wanted.insert(other)
      }
      if let own = decode(only: [id])?.first {
        wanted.formUnion(own.blockedBy + own.related + (own.parent.map { [$0] } ?? []))
      }
      return wanted
    }

    /// Decodes cached ticket JSON in one pass (a single array decode is far cheaper than one
    /// decoder call per ticket); nil when the cache is damaged.
    func decode(only wanted: Set<String>?) -> [Ticket]? {
      var buffer: [UInt8] = [UInt8(ascii: "[")]
      var count = 0
      for id in allIDs where replayed[id] == nil && (wanted?.contains(id) ?? true) {
        guard case .ticket(let json)? = cache.entries[id]?.entry else { continue }
        if count > 0 { buffer.append(UInt8(ascii: ",")) }
        buffer.append(contentsOf: json)
        count += 1
      }
      buffer.append(UInt8(ascii: "]"))
      guard let decoded = try? JSONDecoder().decode([Ticket].self, from: Data(buffer)), decoded.count == count
      else {
        return nil
      }
      var byID = replayed
      for ticket in decoded { byID[ticket.id] = ticket }
      return allIDs.compactMap { id in (wanted?.contains(id) ?? true) ? byID[id] : nil }
    }
  }
}

extension ArraySlice where Element == UInt8 {
  /// True when `needle` occurs in these bytes.
  func contains(_ needle: [UInt8]) -> Bool {
    guard let first = needle.first, count >= needle.count else { return needle.isEmpty }
    return withUnsafeBufferPointer { haystack in
      needle.withUnsafeBufferPointer { needle in
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
          if haystack[index] == first,
            memcmp(haystack.baseAddress! + index, needle.baseAddress!, needle.count) == 0
          {
            return true
          }
          index += 1
        }
        return false
      }
    }
  }
}
