/// What `git draft work` prints: a line per ticket started and finished, and on a terminal a
/// live block below them (each ticket in flight with its phase, elapsed time and spend, then
/// the totals) that is redrawn in place.
public struct WorkView {
  struct Flight {
    var ticket: Ticket
    var phase: WorkPhase = .starting
    var started = Clock.milliseconds()
    var tally = AgentTally()
  }

  let palette: Palette?
  let width: Int
  let started = Clock.milliseconds()
  var flights: [(id: String, flight: Flight)] = []
  var finished: [WorkResult] = []

  /// `palette` and `width` for a terminal (the live block is drawn); nil for plain lines only.
  public init(palette: Palette?, width: Int = 100) {
    self.palette = palette
    self.width = width
  }

  /// The lines an event adds to the log above the live block.
  public mutating func apply(_ event: WorkEvent) -> [String] {
    switch event {
    case .started(let ticket):
      flights.append((ticket.id, Flight(ticket: ticket)))
      return ["\(paint(Palette.bold, String(ticket.id.prefix(8)))) started: \(title(ticket))"]
    case .phase(let id, let phase):
      update(id) { $0.phase = phase }
      return []
    case .agent(let id, let event):
      update(id) {
        $0.phase = .agent
        $0.tally.add(event)
      }
      return []
    case .finished(let result):
      flights.removeAll { $0.id == result.ticket.id }
      finished.append(result)
      return [line(for: result)]
    case .waiting(let reason): return [paint(Palette.dim, "waiting: \(Terminal.clean(reason))")]
    case .stopping(let reason): return [paint(Palette.warning, "stopping: \(Terminal.clean(reason))")]
    case .heartbeat: return []
    }
  }

  /// The live block: one line per ticket in flight, then the totals.
  public func status() -> [String] {
    guard palette != nil else { return [] }
    let now = Clock.milliseconds()
    var lines = flights.map { entry in
      let flight = entry.flight
      var text = "  \(entry.id.prefix(8)) \(Terminal.pad(flight.phase.rawValue, to: 9)) "
      text += Terminal.pad(Revision.duration(milliseconds: now - flight.started), to: 7)
      let usage = flight.tally.spend
      if usage.tokens > 0 || usage.usd > 0 { text += " \(usage.text)" }
      return Terminal.truncate(text + "  " + title(flight.ticket), to: width - 1)
    }
    lines.append(paint(Palette.dim, "  " + totals(inFlight: flights.count, elapsed: now - started)))
    return lines
  }

  /// The summary at the end.
  public func summary(_ summary: WorkSummary) -> [String] {
    var out: [String] = []
    if let reason = summary.stopReason { out.append("stopped: \(Terminal.clean(reason))") }
    if summary.results.isEmpty {
      out.append("work: no ticket was run")
      return out
    }
    out.append(
      "work: \(summary.results.count) run\(summary.results.count == 1 ? "" : "s"): "
        + Self.counts(summary.results).joined(separator: ", ")
        + "; \(summary.spend.text); \(Revision.duration(milliseconds: summary.durationMS))")
    return out
  }

  private func line(for result: WorkResult) -> String {
    let (mark, style): (String, (Palette) -> (String) -> String) =
      switch result.outcome {
      case .merged, .approved: ("✓", Palette.label)
      case .needsReview: ("?", Palette.bold)
      case .blocked, .failed: ("✗", Palette.warning)
      }
    var text =
      "\(paint(style, mark)) \(result.ticket.id.prefix(8)) \(result.outcome.rawValue.replacing("_", with: " "))"
    text += " in \(Revision.duration(milliseconds: result.durationMS))"
    if let revision = result.revision { text += ", \(revision.spend.text)" }
    if let detail = result.detail {
      text += ": " + Terminal.clean(String(detail.prefix(300))).replacing("\n", with: " ")
    }
    return text
  }

  private func totals(inFlight: Int, elapsed: Int) -> String {
    var parts = ["\(inFlight) running"] + Self.counts(finished)
    let spent =
      finished.compactMap(\.revision).reduce(Spend()) { $0 + $1.spend }
      + flights.reduce(Spend()) { $0 + $1.flight.tally.spend }
    parts.append(spent.text)
    parts.append(Revision.duration(milliseconds: elapsed))
    return parts.joined(separator: " · ")
  }

  /// `2 merged`, `1 needs review`: each outcome that happened, in a fixed order.
  private static func counts(_ results: [WorkResult]) -> [String] {
    WorkOutcome.allCases.compactMap { outcome in
      let count = results.filter { $0.outcome == outcome }.count
      return count > 0 ? "\(count) \(outcome.rawValue.replacing("_", with: " "))" : nil
    }
  }

  private mutating func update(_ id: String, _ change: (inout Flight) -> Void) {
    guard let index = flights.firstIndex(where: { $0.id == id }) else { return }
    change(&flights[index].flight)
  }

  private func title(_ ticket: Ticket) -> String { Terminal.clean(String(ticket.title.prefix(80))) }

  private func paint(_ style: (Palette) -> (String) -> String, _ text: String) -> String {
    palette.map { style($0)(text) } ?? text
  }

}
