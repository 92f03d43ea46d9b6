import DraftKit
import Foundation
import GitKit
import Testing

/// A real temporary repository with an identity configured, removed when released.
final class TestRepository {
  let root: String
  let path: String
  let draft: Draft

  init(name: String = "repo", bare: Bool = false) throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("draftkit-\(UUID().uuidString)").path
    path = root + "/" + name
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try runGit(["init", "-q"] + (bare ? ["--bare"] : []) + [path], in: root)
    try runGit(["config", "user.name", "Test User"], in: path)
    try runGit(["config", "user.email", "test@example.com"], in: path)
    draft = try Draft(at: path)
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  @discardableResult
  func git(_ arguments: String...) throws -> String { try runGit(arguments, in: path) }

  func create(_ title: String, state: WorkflowState = .planned, priority: Int = 2, labels: [String] = [])
    throws -> String
  {
    var request = NewTicket(title: title)
    request.state = state
    request.priority = priority
    request.labels = labels
    return try draft.create(request)
  }
}

/// Runs git (no shell); a failure throws with git's message.
@discardableResult
func runGit(_ arguments: [String], in directory: String, input: Data? = nil) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
  process.arguments = arguments
  process.currentDirectoryURL = URL(fileURLWithPath: directory)
  var environment = ProcessInfo.processInfo.environment
  environment["GIT_CONFIG_NOSYSTEM"] = "1"
  process.environment = environment
  let output = Pipe()
  let errors = Pipe()
  let stdin = Pipe()
  process.standardOutput = output
  process.standardError = errors
  process.standardInput = stdin
  try process.run()
  if let input { stdin.fileHandleForWriting.write(input) }
  try stdin.fileHandleForWriting.close()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw GitCommandFailed(message: "git \(arguments.joined(separator: " ")): \(errorText)")
  }
  return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

struct GitCommandFailed: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// Every field a person sees of a ticket, for comparing two clones.
func fingerprint(_ draft: Draft, _ id: String) throws -> String {
  let board = try draft.board()
  let detail = try draft.detail(id: id)
  return TicketJSON.object(detail.ticket, board: board, comments: detail.comments, history: detail.history)
    .serialized()
}
