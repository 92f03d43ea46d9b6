import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `git daemon` serving a directory on 127.0.0.1 (pushes allowed), started by the test and
/// stopped when released.
///
/// Spawned with posix_spawn rather than `Process`: test threads block most signals and a child
/// inherits that mask, so a daemon started by `Process` would ignore SIGTERM. This one starts
/// with no signal blocked, and is reaped here.
final class GitDaemon {
  let port: UInt16
  private let pid: pid_t
  var url: String { "git://127.0.0.1:\(port)" }

  init(serving directory: String) throws {
    let daemon =
      try runProcess(gitBinary, ["--exec-path"], in: directory).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines) + "/git-daemon"
    var started: (pid_t, UInt16)?
    // A free port can be taken by someone else before the daemon binds it: try a few.
    for _ in 0..<5 where started == nil {
      let port = try Self.freePort()
      let pid = try Self.spawn(
        daemon,
        [
          "--export-all", "--enable=receive-pack", "--base-path=\(directory)", "--listen=127.0.0.1",
          "--port=\(port)", "--reuseaddr", "--informative-errors", directory,
        ], home: directory)
      if Self.waitUntilAccepting(port, while: pid) {
        started = (pid, port)
      } else {
        Self.stop(pid)
      }
    }
    guard let (pid, port) = started else { throw DaemonFailed() }
    self.pid = pid
    self.port = port
  }

  deinit { Self.stop(pid) }

  /// Stops serving now (the test goes on without the remote).
  func stop() { Self.stop(pid) }

  struct DaemonFailed: Error, CustomStringConvertible {
    var description: String { "git daemon did not start accepting connections" }
  }

  /// Starts `path ARGUMENTS` with no signal blocked, output discarded; returns its pid.
  static func spawn(_ path: String, _ arguments: [String], home: String) throws -> pid_t {
    var environment = ProcessInfo.processInfo.environment
    for key in environment.keys where key.hasPrefix("GIT_") { environment[key] = nil }
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["HOME"] = home
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
    }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, &attributes, argv, envp) == 0 else { throw DaemonFailed() }
    return pid
  }

  /// True while `pid` has not exited (reaping it if it has).
  static func isRunning(_ pid: pid_t) -> Bool {
    var status: Int32 = 0
    return waitpid(pid, &status, WNOHANG) == 0
  }

  /// Ends the daemon: SIGTERM, then SIGKILL if it has not gone within three seconds; reaps it.
  static func stop(_ pid: pid_t) {
    guard isRunning(pid) else { return }
    kill(pid, SIGTERM)
    for _ in 0..<100 {
      if !isRunning(pid) { return }
      usleep(30_000)
    }
    kill(pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
  }

  /// A port nobody listens on right now (the kernel's pick for an ephemeral bind).
  static func freePort() throws -> UInt16 {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw DaemonFailed() }
    defer { close(socket) }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { throw DaemonFailed() }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    guard named == 0 else { throw DaemonFailed() }
    return UInt16(bigEndian: address.sin_port)
  }

  static func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
  }

  /// True once a connection to `port` succeeds; false if the daemon exits or ten seconds pass.
  static func waitUntilAccepting(_ port: UInt16, while pid: pid_t) -> Bool {
    for _ in 0..<200 {
      guard isRunning(pid) else { return false }
      let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = loopback(port: port)
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      close(socket)
      if connected == 0 { return true }
      usleep(50_000)
    }
    return false
  }
}

/// Sync and claims through a network transport: `git daemon` on 127.0.0.1.
@Suite struct NetworkRemoteTests {
  /// A sandbox with an empty bare `remote.git` served by a daemon, and its git:// URL.
  func served() throws -> (sandbox: Sandbox, daemon: GitDaemon, url: String) {
    let sandbox = try Sandbox()
    _ = try sandbox.bareRemote()
    let daemon = try GitDaemon(serving: sandbox.root)
    return (sandbox, daemon, daemon.url + "/remote.git")
  }

  @Test func twoClonesSyncThroughGitDaemon() throws {
    let (sandbox, daemon, url) = try served()
    defer { withExtendedLifetime(daemon) {} }
    try sandbox.git("remote", "add", "origin", url)
    let home = sandbox.home
    let ids = try (0..<3).map { try home.newTicket("Over the wire \($0)", "--state", "planned") }
    let first = try home.sync()
    #expect(first.pushed == 3, "\(first)")
    #expect(try Clone(path: sandbox.root + "/remote.git").refs("refs/draft/") == home.refs("refs/draft/"))

    let other = try sandbox.clone(url, as: "other")
    #expect(try other.sync().new == 3)
    try home.ok("comment", ids[0], "-m", "from home")
    try other.ok("comment", ids[0], "-m", "from other")
    try home.ok("edit", ids[1], "--add-label", "home")
    try other.ok("move", ids[2], "executing")
    let annotated = try home.git("rev-parse", "refs/draft/tickets/\(ids[0])")
    try home.git("notes", "--ref=draft", "add", "-m", #"{"from":"home"}"#, annotated)
    try home.sync()
    let merged = try other.sync()
    #expect(merged.merged == 1, "\(merged)")
    #expect(merged.updated == 1, "\(merged)")
    #expect(merged.notesMerged, "\(merged)")
    try home.sync()
    for id in ids { #expect(try home.showText(id) == other.showText(id)) }
    #expect(Set(try home.show(ids[0]).comments?.map(\.body) ?? []) == ["from home", "from other"])
    #expect(try other.git("notes", "--ref=draft", "show", annotated) == #"{"from":"home"}"#)
    #expect(try home.sync().pushed == 0)
  }

  @Test func aClaimRaceThroughGitDaemonHasOneWinner() throws {
    let (sandbox, daemon, url) = try served()
    defer { withExtendedLifetime(daemon) {} }
    try sandbox.git("remote", "add", "origin", url)
    let ids = try (0..<4).map { try sandbox.home.newTicket("Contested \($0)", "--state", "planned") }
    try sandbox.home.sync()
    let workers = try (0..<4).map { try sandbox.clone(url, as: "worker\($0)") }
    for worker in workers { try worker.sync("pull") }

    // All four claim the same ticket at once: one wins, the others are told who.
    let results = try simultaneously(workers.count) { try workers[$0].draft("claim", ids[0]) }.map {
      try $0.get()
    }
    let winners = results.indices.filter { results[$0].status == 0 }
    try #require(winners.count == 1, "\(results.map { "\($0.status) \($0.stderr)" })")
    for (index, result) in results.enumerated() where index != winners[0] {
      expectError(result, 1, mentioning: ["worker\(winners[0])@example.com"])
    }

    // Then they drain the rest with next --claim: each remaining ticket granted exactly once.
    let drained = simultaneously(workers.count) { index -> (granted: [String], last: ProcessResult?) in
      var granted: [String] = []
      for _ in 0..<ids.count {
        let result = try workers[index].draft("next", "--claim", "--json")
        guard result.status == 0 else { return (granted, result) }
        let object = try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any]
        granted.append(object?["id"] as? String ?? "unreadable")
      }
      return (granted, nil)
    }
    var granted: [String] = []
    for outcome in drained {
      let (mine, last) = try outcome.get()
      granted += mine
      #expect(last?.status == 1, "\(last?.stderr ?? "never ran out of tickets")")
    }
    #expect(granted.sorted() == ids.dropFirst().sorted(), "\(granted)")
  }

  @Test func aRemoteThatIsGoneFailsInOneLineAndChangesNothing() throws {
    let (sandbox, daemon, url) = try served()
    try sandbox.git("remote", "add", "origin", url)
    let home = sandbox.home
    let id = try home.newTicket("Stays put", "--state", "planned")
    try home.sync()
    try home.ok("comment", id, "-m", "not yet pushed")
    daemon.stop()

    let before = try home.refs()
    for arguments in [["sync"], ["pull"], ["push"], ["claim", id], ["next", "--claim"]] {
      let result = try home.draft(arguments: arguments)
      expectError(result, 128, mentioning: ["origin", "127.0.0.1"])
      #expect(try home.refs() == before, "\(arguments) changed refs while failing")
    }
    // Offline, the board still works.
    #expect(try home.ok("claim", "--offline", id).hasPrefix("Claimed"))
    let next = try home.draft("next")
    #expect(next.status == 1)
    #expect(next.stderr.contains("claimed by"), "\(next.stderr)")
  }
}
