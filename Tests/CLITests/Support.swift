import Foundation
import Testing

/// The output of a finished process.
struct ProcessResult {
  var status: Int32
  var stdout: String
  var stderr: String
  var stdoutBytes: Data
}

/// Runs `executable` with `arguments` (no shell involved), feeding `input` on standard input.
@discardableResult
func runProcess(
  _ executable: String, _ arguments: [String], in directory: String, input: Data? = nil,
  environment: [String: String] = [:]
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.currentDirectoryURL = URL(fileURLWithPath: directory)
  var env = ProcessInfo.processInfo.environment
  for key in env.keys where key.hasPrefix("GIT_") { env[key] = nil }
  env["NO_COLOR"] = nil
  env["COLUMNS"] = nil
  env["GIT_CONFIG_NOSYSTEM"] = "1"
  env["HOME"] = directory
  env["GIT_AUTHOR_NAME"] = nil
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let stdout = Pipe()
  let stderr = Pipe()
  let stdin = Pipe()
  process.standardOutput = stdout
  process.standardError = stderr
  process.standardInput = stdin
  try process.run()
  // Read both pipes concurrently so a large output cannot fill one and stall the child.
  nonisolated(unsafe) var errData = Data()
  let errThread = Thread { errData = stderr.fileHandleForReading.readDataToEndOfFile() }
  errThread.start()
  if let input { stdin.fileHandleForWriting.write(input) }
  try? stdin.fileHandleForWriting.close()
  let outData = stdout.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  while !errThread.isFinished { usleep(1000) }
  return ProcessResult(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
}

/// The git-draft binary built beside this test bundle.
let gitDraftBinary: String = {
  var url = Bundle.main.bundleURL
  while url.path != "/" {
    let candidate = url.appendingPathComponent("git-draft").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    url = url.deletingLastPathComponent()
  }
  return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("git-draft").path
}()

let gitBinary = ["/usr/bin/git", "/usr/local/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) }!

/// A real repository in a temporary directory, removed when the test ends.
final class Sandbox: Sendable {
  let root: String
  let repo: String

  init(identity: Bool = true) throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("git-draft-test-\(UUID().uuidString)").path
    repo = root + "/repo"
    try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
    try git("init", "-q", "-b", "main")
    if identity {
      try git("config", "user.name", "Test User")
      try git("config", "user.email", "test@example.com")
    }
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  /// Runs `git draft ARGS` in the repository.
  @discardableResult
  func draft(_ arguments: String..., input: Data? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    try runProcess(gitDraftBinary, arguments, in: repo, input: input, environment: environment)
  }

  func draft(arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    try runProcess(gitDraftBinary, arguments, in: repo, input: input, environment: environment)
  }

  /// Runs `git ARGS` in the repository and returns its standard output; a failure fails the test.
  @discardableResult
  func git(_ arguments: String...) throws -> String {
    let result = try runProcess(gitBinary, arguments, in: repo)
    #expect(result.status == 0, "git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    return result.stdout
  }

  /// `git draft new ...` and the short id it printed.
  func newTicket(_ arguments: String...) throws -> String {
    let result = try draft(arguments: ["new"] + arguments)
    #expect(result.status == 0, "new failed: \(result.stderr)")
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// `show --json` decoded.
  func showJSON(_ id: String) throws -> [String: Any] {
    let result = try draft("show", id, "--json")
    #expect(result.status == 0, "show failed: \(result.stderr)")
    return try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any] ?? [:]
  }

  /// Every ref under refs/ with its target: to prove a failed command changed nothing.
  func refSnapshot() throws -> String {
    try git("for-each-ref", "--format=%(refname) %(objectname)")
  }
}
