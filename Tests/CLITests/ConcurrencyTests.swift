import Foundation
import Testing

@Suite struct ConcurrencyTests {
  /// Eight separate processes comment on one ticket at once, fifty times each: compare-and-swap
  /// with retry must leave exactly 400 comments.
  @Test func eightProcessesFiftyCommentsEach() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("Contended")
    let failures = Locked(0)
    let repo = sandbox.repo
    DispatchQueue.concurrentPerform(iterations: 8) { writer in
      for n in 0..<50 {
        let result = try? runProcess(
          gitDraftBinary, ["comment", id, "-m", "writer \(writer) #\(n)"], in: repo)
        if result?.status != 0 { failures.mutate { $0 += 1 } }
      }
    }
    #expect(failures.value == 0)
    let comments = try sandbox.showJSON(id)["comments"] as? [[String: Any]] ?? []
    #expect(comments.count == 400)
    #expect(Set(comments.compactMap { $0["body"] as? String }).count == 400)
    // Writers that lost a race leave dangling commits (as git itself does); nothing is broken.
    let fsck = try sandbox.git("fsck", "--no-progress")
    #expect(!fsck.contains("missing") && !fsck.contains("broken") && !fsck.contains("error"))
  }
}

/// A value shared between threads behind a lock.
final class Locked<Value>: @unchecked Sendable {
  private var stored: Value
  private let lock = NSLock()
  init(_ value: Value) { stored = value }
  var value: Value { lock.withLock { stored } }
  func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
