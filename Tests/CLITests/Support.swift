import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The output of a finished process.
struct ProcessResult {
  var status: Int32
  var stdout: String
  var stderr: String
  var stdoutBytes: Data
  var stderrBytes: Data = Data()

  /// Standard error split into lines (without the final empty piece after the last newline).
  var stderrLines: [Substring] {
    var lines = stderr.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    return lines
  }

  /// Standard output split into lines (without the final empty piece after the last newline).
  var stdoutLines: [Substring] {
    var lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    return lines
  }
}

/// A test writes to a pipe whose reader may already have exited (a command that refuses its
/// arguments before reading standard input): that must be an error for the write, not a signal
/// that kills the test runner.
private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

/// Runs `executable` with `arguments` (no shell involved), feeding `input` on standard input.
@discardableResult
func runProcess(
  _ executable: String, _ arguments: [String], in directory: String, input: Data? = nil,
  environment: [String: String] = [:]
) throws -> ProcessResult {
  _ = ignoreSIGPIPE
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.currentDirectoryURL = URL(fileURLWithPath: directory)
  var env = ProcessInfo.processInfo.environment
  for key in env.keys where key.hasPrefix("GIT_") { env[key] = nil }
  env["NO_COLOR"] = nil
  env["COLUMNS"] = nil
  env["EMAIL"] = nil
  env["GIT_CONFIG_NOSYSTEM"] = "1"
  env["HOME"] = directory
  // No configuration from outside the sandbox: ~/.config/git/config would otherwise apply.
  env["XDG_CONFIG_HOME"] = directory + "/.no-such-config-dir"
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
  // Read both pipes and write standard input concurrently so that a large input or output
  // cannot fill one pipe and stall the child.
  nonisolated(unsafe) var errData = Data()
  let errThread = Thread { errData = stderr.fileHandleForReading.readDataToEndOfFile() }
  errThread.start()
  let writer = stdin.fileHandleForWriting
  let inThread = Thread {
    if let input { try? writer.write(contentsOf: input) }
    try? writer.close()
  }
  inThread.start()
  let outData = stdout.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  while !errThread.isFinished || !inThread.isFinished { usleep(1000) }
  return ProcessResult(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData, stderrBytes: errData)
}

/// The git-draft binary built beside this test bundle.
let gitDraftBinary: String = {
  var url = Bundle.main.bundleURL
  while url.path != "/" {
    let candidate = url.appendingPathComponent("git-draft").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    url = url.deletingLastPathComponent()
  }
  return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
    "git-draft"
  ).path
}()

let gitBinary = ["/usr/bin/git", "/usr/local/bin/git"].first {
  FileManager.default.isExecutableFile(atPath: $0)
}!

/// A real repository in a temporary directory, removed when the test ends.
final class Sandbox: Sendable {
  let root: String
  let repo: String

  init(identity: Bool = true) throws {
    root =
      FileManager.default.temporaryDirectory.appendingPathComponent("git-draft-test-\(UUID().uuidString)")
      .path
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
  func draft(_ arguments: String..., input: Data? = nil, environment: [String: String] = [:]) throws
    -> ProcessResult
  {
    try runProcess(gitDraftBinary, arguments, in: repo, input: input, environment: environment)
  }

  func draft(arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws
    -> ProcessResult
  {
    try runProcess(gitDraftBinary, arguments, in: repo, input: input, environment: environment)
  }

  /// Runs `git draft ARGS`, expects success and nothing on standard error, and returns standard output.
  @discardableResult
  func ok(
    _ arguments: String..., input: Data? = nil, environment: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    let result = try draft(arguments: arguments, input: input, environment: environment)
    #expect(
      result.status == 0, "git draft \(arguments.joined(separator: " ")) failed: \(result.stderr)",
      sourceLocation: sourceLocation)
    #expect(result.stderr == "", "unexpected stderr: \(result.stderr)", sourceLocation: sourceLocation)
    return result.stdout
  }

  /// Runs `git ARGS` in the repository and returns its standard output; a failure fails the test.
  @discardableResult
  func git(_ arguments: String...) throws -> String {
    let result = try runProcess(gitBinary, arguments, in: repo)
    #expect(result.status == 0, "git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    return result.stdout
  }

  /// Runs `git ARGS` in the repository, whatever its outcome.
  func gitResult(_ arguments: String..., input: Data? = nil) throws -> ProcessResult {
    try runProcess(gitBinary, arguments, in: repo, input: input)
  }

  /// Runs `git ARGS` with `input` on standard input and returns its trimmed standard output.
  func gitOut(_ arguments: [String], input: Data? = nil) throws -> String {
    let result = try runProcess(gitBinary, arguments, in: repo, input: input)
    #expect(result.status == 0, "git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// `git draft new ...` and the short id it printed.
  @discardableResult
  func newTicket(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try draft(arguments: ["new"] + arguments)
    #expect(result.status == 0, "new failed: \(result.stderr)", sourceLocation: sourceLocation)
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// `show --json` decoded.
  func showJSON(_ id: String) throws -> [String: Any] {
    let result = try draft("show", id, "--json")
    #expect(result.status == 0, "show failed: \(result.stderr)")
    return try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any] ?? [:]
  }

  /// `show --json` decoded strictly into the documented contract.
  func show(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> TicketDoc {
    let result = try draft("show", id, "--json")
    #expect(result.status == 0, "show \(id) failed: \(result.stderr)", sourceLocation: sourceLocation)
    return try JSONDecoder().decode(TicketDoc.self, from: result.stdoutBytes)
  }

  /// `list --json QUERY...` decoded strictly.
  func list(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> [TicketDoc] {
    let result = try draft(arguments: ["list", "--json"] + arguments)
    #expect(result.status == 0, "list failed: \(result.stderr)", sourceLocation: sourceLocation)
    return try JSONDecoder().decode([TicketDoc].self, from: result.stdoutBytes)
  }

  /// Every ticket (closed ones too), by title. Titles must be unique in the test.
  func ticketsByTitle(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: TicketDoc] {
    let tickets = try list("--all", sourceLocation: sourceLocation)
    return Dictionary(tickets.map { ($0.title, $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// Feeds JSON Lines built from `lines` to `git draft import -`; expects success.
  func importLines(_ lines: [[String: Any]], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try draft("import", "-", input: try jsonLines(lines))
    #expect(result.status == 0, "import failed: \(result.stderr)", sourceLocation: sourceLocation)
  }

  /// Writes `data` to a file outside the working tree and returns its path.
  func writeFile(_ name: String, _ data: Data) throws -> String {
    let path = root + "/" + name
    try data.write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Every ref under refs/ with its target: to prove a failed command changed nothing.
  func refSnapshot() throws -> String {
    try git("for-each-ref", "--format=%(refname) %(objectname)")
  }

  /// Every path under the sandbox's root (the repository and the files written beside it).
  func allPaths() -> [String] {
    var paths: [String] = []
    if let enumerator = FileManager.default.enumerator(atPath: root) {
      while let path = enumerator.nextObject() as? String { paths.append(path) }
    }
    return paths
  }
}

/// JSON Lines of `lines`, one compact object a line.
func jsonLines(_ lines: [[String: Any]]) throws -> Data {
  var data = Data()
  for line in lines {
    data.append(try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]))
    data.append(0x0a)
  }
  return data
}

/// A ticket as `list --json`, `show --json` and `new --json` print it. Decoding is strict: every
/// key must be present with its documented type (`priority` an integer, `ready` a boolean).
struct TicketDoc: Decodable, Equatable {
  struct Person: Decodable, Equatable, Hashable {
    var name: String
    var email: String
  }

  struct Comment: Decodable, Equatable {
    var author: Person
    var body: String
    var created_at: String
  }

  struct Event: Decodable, Equatable {
    var action: String
    var author: Person
    var at: String
    var from: String?
    var to: String?
    var detail: String?
  }

  var id: String
  var short_id: String
  var title: String
  var body: String
  var state: String
  var priority: Int
  var labels: [String]
  var blocked_by: [String]
  var blocks: [String]
  var parent: String?
  var children: [String]
  var related: [String]
  var ready: Bool
  var author: Person
  var created_at: String
  var updated_at: String
  var comments: [Comment]?
  var history: [Event]?
}

/// The workflow states and the moves allowed from each, as the issue specifies them.
let allStates = [
  "proposed", "planned", "executing", "verifying", "needs_human", "blocked", "done", "abandoned",
]
let allowedMoves: [String: [String]] = [
  "proposed": ["planned", "abandoned"],
  "planned": ["proposed", "executing", "blocked", "abandoned"],
  "executing": ["verifying", "needs_human", "blocked"],
  "verifying": ["executing", "needs_human", "blocked", "done"],
  "needs_human": ["executing", "planned", "blocked", "done", "abandoned"],
  "blocked": ["planned", "executing", "abandoned"],
  "done": ["executing"],
  "abandoned": ["planned"],
]

/// True when `text` is an RFC 3339 date-time.
func isRFC3339(_ text: String) -> Bool {
  let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#
  return text.range(of: pattern, options: .regularExpression) != nil
}

/// True when `text` is a full ticket id: 64 lowercase hex digits.
func isFullID(_ text: String) -> Bool {
  text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}

/// Checks a failed command: the exit `status`, nothing on standard output, exactly one line on
/// standard error starting with `error: ` and containing each of `mentioning`.
func expectError(
  _ result: ProcessResult, _ status: Int32, mentioning: [String] = [],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    result.status == status, "exit \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation
  )
  #expect(result.stdout == "", "unexpected stdout: \(result.stdout)", sourceLocation: sourceLocation)
  #expect(
    result.stderrLines.count == 1, "want one stderr line, got: \(result.stderr)",
    sourceLocation: sourceLocation)
  #expect(result.stderr.hasSuffix("\n"), sourceLocation: sourceLocation)
  #expect(result.stderr.hasPrefix("error: "), "got: \(result.stderr)", sourceLocation: sourceLocation)
  for word in mentioning {
    #expect(
      result.stderr.contains(word), "stderr lacks '\(word)': \(result.stderr)", sourceLocation: sourceLocation
    )
  }
}

// MARK: - Clones working one board through a shared remote

/// A repository that works one board with others through a shared remote: `git draft` and
/// `git` run in its directory, under its own identity (set in its config by `Sandbox.clone`).
struct Clone: Sendable {
  let path: String
  /// Extra environment for every `git draft` run here (for example a per-process identity).
  var environment: [String: String] = [:]
  /// The sandbox the clone lives in, kept alive (and its directory kept) as long as the clone.
  var sandbox: Sandbox? = nil

  func draft(_ arguments: String...) throws -> ProcessResult { try draft(arguments: arguments) }

  func draft(arguments: [String]) throws -> ProcessResult {
    try runProcess(gitDraftBinary, arguments, in: path, environment: environment)
  }

  /// Runs `git draft ARGS`, expects success and nothing on standard error; returns standard output.
  @discardableResult
  func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try draft(arguments: arguments)
    #expect(
      result.status == 0, "git draft \(arguments.joined(separator: " ")) in \(path) failed: \(result.stderr)",
      sourceLocation: sourceLocation)
    #expect(result.stderr == "", "unexpected stderr: \(result.stderr)", sourceLocation: sourceLocation)
    return result.stdout
  }

  /// `git draft sync|pull|push ARGS`: expects success and returns its summary, parsed.
  @discardableResult
  func sync(
    _ command: String = "sync", _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> SyncSummary {
    let result = try draft(arguments: [command] + arguments)
    #expect(
      result.status == 0, "git draft \(command) in \(path) failed: \(result.stderr)",
      sourceLocation: sourceLocation)
    return try #require(
      SyncSummary(result.stdout), "not a summary line: \(result.stdout)", sourceLocation: sourceLocation)
  }

  /// Runs `git ARGS` here and returns its trimmed standard output; a failure fails the test.
  @discardableResult
  func git(_ arguments: String..., input: Data? = nil, sourceLocation: SourceLocation = #_sourceLocation)
    throws -> String
  {
    let result = try runProcess(gitBinary, arguments, in: path, input: input)
    #expect(
      result.status == 0, "git \(arguments.joined(separator: " ")) in \(path) failed: \(result.stderr)",
      sourceLocation: sourceLocation)
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func gitResult(_ arguments: String...) throws -> ProcessResult {
    try runProcess(gitBinary, arguments, in: path)
  }

  /// `git draft new ARGS` and the full id of the ticket it made.
  func newTicket(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try draft(arguments: ["new", "--json"] + arguments)
    #expect(result.status == 0, "new failed: \(result.stderr)", sourceLocation: sourceLocation)
    let object = try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any]
    return try #require(object?["id"] as? String, sourceLocation: sourceLocation)
  }

  /// `show --json` exactly as printed: what two clones that converged print identically.
  func showText(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try draft("show", id, "--json")
    #expect(
      result.status == 0, "show \(id) in \(path) failed: \(result.stderr)", sourceLocation: sourceLocation)
    return result.stdout
  }

  func show(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> TicketDoc {
    try JSONDecoder().decode(
      TicketDoc.self, from: Data(try showText(id, sourceLocation: sourceLocation).utf8))
  }

  func showJSON(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let text = try showText(id, sourceLocation: sourceLocation)
    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
  }

  /// Full ids of every ticket (closed ones too).
  func ticketIDs(sourceLocation: SourceLocation = #_sourceLocation) throws -> Set<String> {
    let result = try draft("list", "--all", "--json")
    #expect(result.status == 0, "list failed: \(result.stderr)", sourceLocation: sourceLocation)
    return Set(try JSONDecoder().decode([TicketDoc].self, from: result.stdoutBytes).map(\.id))
  }

  /// Every ref here with its target, one `name objectid` a line.
  func refs(_ pattern: String = "refs/") throws -> [String: String] {
    let listing = try git("for-each-ref", "--format=%(refname) %(objectname)", pattern)
    var refs: [String: String] = [:]
    for line in listing.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if fields.count == 2 { refs[String(fields[0])] = String(fields[1]) }
    }
    return refs
  }
}

/// The one line `git draft sync`, `pull` and `push` print:
/// `REMOTE: N new, N updated, N merged, N unchanged, N invalid[, notes merged]; pushed N[, N rejected]`.
struct SyncSummary: Equatable, CustomStringConvertible {
  var remote: String
  var new: Int
  var updated: Int
  var merged: Int
  var unchanged: Int
  var invalid: Int
  var notesMerged: Bool
  var pushed: Int
  var rejected: Int
  var description: String

  init?(_ output: String) {
    guard output.hasSuffix("\n"), output.dropLast().split(separator: "\n").count == 1 else { return nil }
    let line = String(output.dropLast())
    let pattern =
      #/^(?<remote>.+): (?<new>\d+) new, (?<updated>\d+) updated, (?<merged>\d+) merged, (?<unchanged>\d+) unchanged, (?<invalid>\d+) invalid(?<notes>, notes merged)?; pushed (?<pushed>\d+)(, (?<rejected>\d+) rejected)?$/#
    guard let match = line.wholeMatch(of: pattern) else { return nil }
    remote = String(match.remote)
    new = Int(match.new)!
    updated = Int(match.updated)!
    merged = Int(match.merged)!
    unchanged = Int(match.unchanged)!
    invalid = Int(match.invalid)!
    notesMerged = match.notes != nil
    pushed = Int(match.pushed)!
    rejected = match.rejected.map { Int($0)! } ?? 0
    description = line
  }
}

extension Sandbox {
  /// The sandbox's own repository as a `Clone`.
  var home: Clone { Clone(path: repo, sandbox: self) }

  /// An empty bare repository `name` beside the sandbox's repository; returns its path.
  func bareRemote(_ name: String = "remote.git") throws -> String {
    let path = root + "/" + name
    let result = try runProcess(gitBinary, ["init", "-q", "--bare", "-b", "main", path], in: root)
    #expect(result.status == 0, "git init --bare failed: \(result.stderr)")
    return path
  }

  /// `git clone URL NAME` beside the sandbox's repository, with its own identity
  /// (`NAME <NAME@example.com>`) configured in it.
  func clone(_ url: String, as name: String) throws -> Clone {
    let result = try runProcess(gitBinary, ["clone", "-q", url, name], in: root)
    #expect(result.status == 0, "git clone failed: \(result.stderr)")
    let clone = Clone(path: root + "/" + name, sandbox: self)
    try clone.git("config", "user.name", name)
    try clone.git("config", "user.email", "\(name)@example.com")
    return clone
  }
}

/// Runs `body(0..<count)` on as many threads, released together so that the processes they
/// start race for real; returns each outcome in index order.
func simultaneously<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) -> [Result<
  T, any Error
>] {
  let results = Locked<[Int: Result<T, any Error>]>([:])
  let started = DispatchGroup()
  let finished = DispatchGroup()
  let gate = DispatchSemaphore(value: 0)
  for index in 0..<count {
    started.enter()
    finished.enter()
    let thread = Thread {
      started.leave()
      gate.wait()
      let outcome = Result { try body(index) }
      results.mutate { $0[index] = outcome }
      finished.leave()
    }
    thread.start()
  }
  started.wait()
  for _ in 0..<count { gate.signal() }
  finished.wait()
  let all = results.value
  return (0..<count).map { all[$0]! }
}
