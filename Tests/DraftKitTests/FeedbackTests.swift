import DraftKit
import Testing

@Suite struct FeedbackTests {
  static func file(_ text: String) -> [Substring] {
    text.split(separator: "\n", omittingEmptySubsequences: false)
  }

  static let anchor = Anchor(path: "a.txt", startLine: 2, endLine: 3, lines: ["b", "c"])

  @Test func linesStillInPlaceAreFoundWhereTheyWere() {
    #expect(Self.anchor.located(in: Self.file("a\nb\nc\nd")) == 2)
  }

  @Test func linesMovedByAnInsertionAboveAreFoundAtTheirNewPlace() {
    #expect(Self.anchor.located(in: Self.file("new\nnew\na\nb\nc\nd")) == 4)
    #expect(Self.anchor.located(in: Self.file("b\nc")) == 1)
  }

  @Test func changedOrRemovedLinesAreGone() {
    #expect(Self.anchor.located(in: Self.file("a\nb\nC\nd")) == nil)
    #expect(Self.anchor.located(in: Self.file("a\nc\nb\nd")) == nil)
    #expect(Self.anchor.located(in: Self.file("b")) == nil)
    #expect(Self.anchor.located(in: []) == nil)
  }

  @Test func ofSeveralCopiesTheOneNearestTheOriginalPlaceWins() {
    // Copies at 1 and 5: 1 is nearer to 2.
    #expect(Self.anchor.located(in: Self.file("b\nc\nx\nx\nb\nc")) == 1)
    let late = Anchor(path: "a.txt", startLine: 6, endLine: 6, lines: ["x"])
    #expect(late.located(in: Self.file("x\ny\ny\ny\ny\ny\nx")) == 7)
  }

  @Test func anEmptyAnchorIsNeverFound() {
    #expect(Anchor(path: "a.txt", startLine: 1, endLine: 0, lines: []).located(in: Self.file("a")) == nil)
  }

  @Test func lineSpansParseAsOneLineOrARange() {
    #expect(LineSpan(parsing: "7") == LineSpan(start: 7, end: 7))
    #expect(LineSpan(parsing: "3-5") == LineSpan(start: 3, end: 5))
    for bad in ["0", "5-3", "-2", "2-", "a", "1-2-3", "", " 1", "1.5"] {
      #expect(LineSpan(parsing: bad) == nil, "\(bad)")
    }
  }
}
