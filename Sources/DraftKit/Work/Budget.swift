import GitKit
import Glibc

/// Money and tokens an agent spent, as the revisions record them.
public struct Spend: Sendable, Equatable {
  public var usd: Double = 0
  public var tokens = 0

  public init(usd: Double = 0, tokens: Int = 0) {
    self.usd = usd
    self.tokens = tokens
  }

  public static func + (lhs: Spend, rhs: Spend) -> Spend {
    Spend(usd: lhs.usd + rhs.usd, tokens: lhs.tokens + rhs.tokens)
  }

  /// `12.3k tokens, $0.0123`
  public var text: String { "\(Self.tokens(tokens)), \(Revision.dollars(usd))" }

  /// `950 tokens`, `12.3k tokens`
  static func tokens(_ count: Int) -> String {
    (count >= 1000 ? "\(count / 1000).\(count % 1000 / 100)k" : "\(count)") + " tokens"
  }
}

extension Revision {
  public var spend: Spend { Spend(usd: costUSD ?? 0, tokens: (inputTokens ?? 0) + (outputTokens ?? 0)) }
}

/// Spending limits from git config: `draft.budget.run`, `.ticket` and `.day` in US dollars, and
/// `draft.budget.runTokens`, `.ticketTokens`, `.dayTokens`. Reaching one stops new runs; a run
/// under way is stopped at its allowance and recorded as cancelled with the reason.
public struct Budget: Sendable, Equatable {
  public struct Limit: Sendable, Equatable {
    public var usd: Double?
    public var tokens: Int?

    /// Why `spend` has reached this limit (`name` says which limit), or nil.
    func reached(by spend: Spend, name: String) -> String? {
      if let usd, spend.usd >= usd {
        return
          "the \(name) budget of \(Revision.dollars(usd)) is reached (\(Revision.dollars(spend.usd)) spent)"
      }
      if let tokens, spend.tokens >= tokens {
        return "the \(name) budget of \(tokens) tokens is reached (\(spend.tokens) spent)"
      }
      return nil
    }
  }

  public var run = Limit()
  public var ticket = Limit()
  public var day = Limit()

  public var isEmpty: Bool { run == Limit() && ticket == Limit() && day == Limit() }

  init(_ config: Configuration) throws {
    func dollars(_ key: String) throws -> Double? {
      guard var text = try git({ try config.string(key) }) else { return nil }
      if text.hasPrefix("$") { text.removeFirst() }
      guard let value = Double(text), value >= 0, value.isFinite else {
        throw DraftError(.invalidInput, "\(key) must be an amount in US dollars such as 2.50, not '\(text)'")
      }
      return value
    }
    func tokens(_ key: String) throws -> Int? {
      guard let text = try git({ try config.string(key) }) else { return nil }
      guard let value = Self.count(text) else {
        throw DraftError(
          .invalidInput, "\(key) must be a number of tokens such as 200000 or 2M, not '\(text)'")
      }
      return value
    }
    run = Limit(usd: try dollars("draft.budget.run"), tokens: try tokens("draft.budget.runTokens"))
    ticket = Limit(usd: try dollars("draft.budget.ticket"), tokens: try tokens("draft.budget.ticketTokens"))
    day = Limit(usd: try dollars("draft.budget.day"), tokens: try tokens("draft.budget.dayTokens"))
  }

  /// A count as git writes sizes: 500, 200k, 2M.
  static func count(_ text: String) -> Int? {
    let multipliers: [Character: Int] = ["k": 1000, "m": 1_000_000, "g": 1_000_000_000]
    var digits = text.lowercased()
    var multiplier = 1
    if let last = digits.last, let found = multipliers[last] {
      multiplier = found
      digits.removeLast()
    }
    guard let value = Int(digits), value >= 0 else { return nil }
    return value * multiplier
  }

  /// Why no new run may start, given what the ticket and today have spent; nil when one may.
  public func exhausted(ticket ticketSpend: Spend, day daySpend: Spend) -> String? {
    ticket.reached(by: ticketSpend, name: "per-ticket") ?? day.reached(by: daySpend, name: "daily")
  }

  /// Why a run that has spent `runSpend` must stop: the first of the three limits it reaches,
  /// counting what the ticket and the day had spent before it.
  func stopReason(run runSpend: Spend, ticket ticketSpend: Spend, day daySpend: Spend) -> String? {
    run.reached(by: runSpend, name: "per-run")
      ?? ticket.reached(by: ticketSpend + runSpend, name: "per-ticket")
      ?? day.reached(by: daySpend + runSpend, name: "daily")
  }
}

extension Draft {
  public func budget() throws -> Budget { try Budget(try configuration()) }

  /// What the agents spent today (since local midnight), from the revisions recorded. Only
  /// tickets changed today can hold such a revision, so only those are read.
  public func spentToday(now: Int64 = EntityStore.now()) throws -> Spend {
    let midnight = Self.localMidnight(before: now)
    let board = try board(selecting: { Set($0.filter { $0.updatedAt >= midnight }.map(\.id)) })
    var total = Spend()
    for ticket in board.tickets where ticket.updatedAt >= midnight {
      for revision in try detail(id: ticket.id).revisions where revision.at >= midnight {
        total = total + revision.spend
      }
    }
    return total
  }

  static func localMidnight(before now: Int64) -> Int64 {
    var time = time_t(now)
    var parts = tm()
    localtime_r(&time, &parts)
    parts.tm_hour = 0
    parts.tm_min = 0
    parts.tm_sec = 0
    parts.tm_isdst = -1
    return Int64(mktime(&parts))
  }
}

extension AgentTally {
  var spend: Spend { Spend(usd: costUSD ?? 0, tokens: (inputTokens ?? 0) + (outputTokens ?? 0)) }
}
