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

  /// Eight processes create tickets and label one shared ticket at once: every ticket and every
  /// label lands, and every short id printed is distinct.
  @Test func concurrentCreatesAndEditsAllLand() throws {
    let sandbox = try Sandbox()
    let target = try sandbox.newTicket("Labelled by all", "--state", "planned")
    let created = Locked<[String]>([])
    let failures = Locked<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 8) { writer in
      for n in 0..<5 {
        do {
          let made = try sandbox.draft("new", "made by \(writer) #\(n)")
          if made.status == 0 {
            created.mutate { $0.append(made.stdout.trimmingCharacters(in: .newlines)) }
          } else {
            failures.mutate { $0.append(made.stderr) }
          }
          let edit = try sandbox.draft("edit", target, "--add-label", "w\(writer)-\(n)")
          if edit.status != 0 { failures.mutate { $0.append(edit.stderr) } }
        } catch {
          failures.mutate { $0.append("\(error)") }
        }
      }
    }
    #expect(failures.value == [])
    #expect(created.value.count == 40)
    #expect(Set(created.value).count == 40)
    #expect(try sandbox.list().count == 41)
    let labels = Set((0..<8).flatMap { w in (0..<5).map { "w\(w)-\($0)" } })
    #expect(Set(try sandbox.show(target).labels) == labels)
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
