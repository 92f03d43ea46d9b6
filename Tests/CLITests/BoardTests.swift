import Foundation
import Testing

/// `board`: columns by state, fitted to the width, coloured only when asked.
@Suite struct BoardTests {
  /// Display columns of a line of board output (box drawing and ASCII: one each; wide: two).
  static func width(_ line: Substring) -> Int {
    line.unicodeScalars.reduce(0) { total, scalar in
      let v = scalar.value
      let wide =
        (0x1100...0x115f).contains(v) || (0x2e80...0xa4cf).contains(v) || (0xac00...0xd7a3).contains(v)
        || (0xff00...0xff60).contains(v) || (0x1f300...0x1faff).contains(v)
      return total + (wide ? 2 : 1)
    }
  }

  func board(_ sandbox: Sandbox, _ arguments: String..., columns: Int? = nil) throws -> ProcessResult {
    try sandbox.draft(
      arguments: ["board"] + arguments, environment: columns.map { ["COLUMNS": String($0)] } ?? [:])
  }

  @Test func ticketsSitInTheColumnOfTheirState() throws {
    let sandbox = try Sandbox()
    try sandbox.importLines([
      ["title": "Idea", "state": "proposed"],
      ["title": "Next up", "state": "planned", "priority": 0],
      ["title": "Later", "state": "planned", "priority": 4],
      ["title": "Running", "state": "executing"],
      ["title": "Help me", "state": "needs_human"],
      ["title": "Shipped", "state": "done"],
      ["title": "Dropped", "state": "abandoned"],
    ])
    let tickets = try sandbox.ticketsByTitle()
    let result = try board(sandbox, columns: 200)
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let header = String(try #require(lines.first))
    // Each card's short id starts at the same column as its state's heading.
    for (title, ticket) in tickets where !["done", "abandoned"].contains(ticket.state) {
      let heading = try #require(
        header.range(of: ticket.state.uppercased()), "no \(ticket.state) column:\n\(result.stdout)")
      let column = header.distance(from: header.startIndex, to: heading.lowerBound)
      let card = try #require(
        lines.first { $0.contains(ticket.short_id) }, "\(title) missing:\n\(result.stdout)")
      let at = card.distance(
        from: card.startIndex, to: try #require(card.range(of: ticket.short_id)).lowerBound)
      #expect(at == column, "\(title) is not under \(ticket.state)")
      #expect(card.contains(title))
    }
    #expect(header.contains("PLANNED (2)"), "columns count their cards: \(header)")
    // Most urgent first within a column.
    let nextUp = try #require(lines.firstIndex { $0.contains("Next up") })
    let later = try #require(lines.firstIndex { $0.contains("Later") })
    #expect(nextUp < later)
    // Closed columns only with --all.
    #expect(!result.stdout.contains("Shipped") && !result.stdout.contains("DONE"))
    let all = try board(sandbox, "--all", columns: 200)
    #expect(all.status == 0)
    for title in ["Shipped", "Dropped", "Idea", "Running"] { #expect(all.stdout.contains(title)) }
    #expect(all.stdout.contains("DONE") && all.stdout.contains("ABANDONED"))
  }

  @Test func limitCapsTheCardsPerColumn() throws {
    let sandbox = try Sandbox()
    try sandbox.importLines((0..<7).map { ["title": "card \($0)", "state": "planned", "priority": $0 % 5] })
    let limited = try board(sandbox, "--limit", "3")
    #expect(limited.status == 0)
    let shown = (0..<7).filter { limited.stdout.contains("card \($0)") }
    #expect(shown.count == 3)
    #expect(limited.stdout.contains("4 more"), "the board says what it left out:\n\(limited.stdout)")
    let unlimited = try board(sandbox, "--limit", "0")
    #expect((0..<7).allSatisfy { unlimited.stdout.contains("card \($0)") })
    let byDefault = try board(sandbox)
    #expect((0..<7).allSatisfy { byDefault.stdout.contains("card \($0)") }, "the default limit is above 7")
  }

  @Test(arguments: [40, 60, 80, 120])
  func theBoardFitsTheWidth(columns: Int) throws {
    let sandbox = try Sandbox()
    try sandbox.importLines([
      ["title": String(repeating: "A very long title that goes on ", count: 6), "state": "proposed"],
      ["title": "漢字のとても長いタイトルです漢字のとても長いタイトルです漢字のとても長いタイトルです", "state": "planned"],
      [
        "title": "🚀 rockets 🚀 everywhere 🚀 rockets 🚀 everywhere 🚀 rockets 🚀 everywhere", "state": "executing",
      ],
      ["title": "short", "state": "needs_human"],
      ["title": "blocked one", "state": "blocked"],
      ["title": "checking", "state": "verifying"],
    ])
    let result = try board(sandbox, columns: columns)
    #expect(result.status == 0)
    for line in result.stdout.split(separator: "\n") {
      #expect(Self.width(line) <= columns, "\(Self.width(line)) > \(columns): \(line)")
    }
    // Every ticket is still on it, by id.
    for ticket in try sandbox.list() { #expect(result.stdout.contains(ticket.short_id)) }
    #expect(result.stdout.contains("…"), "cut titles end in an ellipsis")
  }

  @Test func colourOnlyWhenAskedOrConfigured() throws {
    let sandbox = try Sandbox()
    _ = try sandbox.newTicket("Colourful", "--state", "planned", "-l", "x")
    func escapes(_ command: [String], _ env: [String: String] = [:]) throws -> Bool {
      let result = try sandbox.draft(arguments: command, environment: env)
      #expect(result.status == 0)
      return result.stdoutBytes.contains(0x1b)
    }
    for command in [["board"], ["list"]] {
      #expect(try escapes(command) == false, "plain when piped")
      #expect(try escapes(command + ["--color", "always"]) == true)
      #expect(try escapes(command + ["--color", "never"]) == false)
      #expect(try escapes(command + ["--color", "auto"]) == false, "auto is plain when piped")
    }
    try sandbox.git("config", "color.ui", "always")
    #expect(try escapes(["board"]) == true, "color.ui=always colours even when piped")
    #expect(try escapes(["list"]) == true)
    #expect(try escapes(["board"], ["NO_COLOR": "1"]) == false, "NO_COLOR wins over color.ui")
    #expect(try escapes(["board", "--color", "never"]) == false, "--color wins over color.ui")
    try sandbox.git("config", "color.ui", "never")
    #expect(try escapes(["board", "--color", "always"]) == true, "--color wins over color.ui")
    #expect(try escapes(["board"]) == false)
  }

  @Test func anEmptyBoardStillWorks() throws {
    let sandbox = try Sandbox()
    let result = try board(sandbox)
    #expect(result.status == 0)
    #expect(result.stderr == "")
    #expect(!result.stdoutBytes.contains(0x1b))
  }
}
