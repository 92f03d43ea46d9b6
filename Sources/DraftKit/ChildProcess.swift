import CSystem
import Glibc

/// Runs a program directly (never through a shell, so no argument is ever interpreted).
/// `run()` collects what a short command printed (the user's own `git`, whose fetch and push go
/// through their ssh configuration and credential helpers); `supervise` watches a long one
/// (an agent, a verify command) in its own process group, with a time limit and Ctrl-C.
public struct ChildProcess {
  public struct Result: Sendable {
    public var status: Int32
    public var output: String
    public var errors: String
  }

  /// Where standard input comes from.
  public enum Input: Sendable {
    case inherit
    case file(String)
  }

  public var executable: String
  public var arguments: [String]
  public var directory: String?
  /// `KEY=value` strings; nil inherits this process's environment.
  public var environment: [String]?
  public var input: Input = .inherit
  /// Standard error goes to the same pipe as standard output (verify commands' evidence).
  public var mergeErrors = false

  public init(_ executable: String, _ arguments: [String], in directory: String? = nil) {
    self.executable = executable
    self.arguments = arguments
    self.directory = directory
  }

  /// Runs to completion. Standard input is inherited, so a credential prompt on a terminal
  /// still works; output and errors are read concurrently (poll) so neither pipe can fill up.
  public func run() throws -> Result {
    var output: [UInt8] = []
    var errors: [UInt8] = []
    let child = try spawn(ownGroup: false)
    defer { child.closePipes() }
    _ = child.drain(until: nil) {
      output += $0
    } errors: {
      errors += $0
    }
    return Result(
      status: child.wait(), output: String(decoding: output, as: UTF8.self),
      errors: String(decoding: errors, as: UTF8.self))
  }

  /// How a supervised process ended.
  public enum Ending: Sendable, Equatable {
    /// The exit status as the shell reports it: the code, or 128 + the signal that ended it.
    case exited(Int32)
    case timedOut
    /// Ctrl-C, SIGTERM or `git draft cancel` reached this process.
    case cancelled
    /// The caller's `stopWhen` asked for it (a spending limit reached); the reason says why.
    case stopped(String)
  }

  public struct Supervision: Sendable {
    public var ending: Ending
    public var durationMS: Int
    /// The end of standard error (empty when merged into the output).
    public var errorsTail: String
  }

  /// Runs in its own process group, handing each line of output to `onLine` as it comes.
  /// At `timeout` seconds, or when interrupted, the whole group is stopped: SIGTERM, then
  /// SIGKILL after a grace period.
  /// `stopWhen`, asked between reads, stops it too when it returns a reason.
  public func supervise(
    timeout: Int64?, stopWhen: () -> String? = { nil }, onLine: (String) -> Void
  ) throws -> Supervision {
    let started = Clock.milliseconds()
    let deadline = timeout.map { started + Int($0) * 1000 }
    var pending: [UInt8] = []
    var errors: [UInt8] = []
    let child = try spawn(ownGroup: true)
    defer { child.closePipes() }
    let stop = child.drain(until: deadline, stopWhen: stopWhen) { chunk in
      pending += chunk
      while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
        onLine(String(decoding: pending[..<end], as: UTF8.self))
        pending.removeSubrange(...end)
      }
    } errors: { chunk in
      errors += chunk
      if errors.count > 2 * Self.errorsTailBytes { errors.removeFirst(errors.count - Self.errorsTailBytes) }
    }
    if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
    let status = child.wait()
    let ending = stop ?? .exited(status)
    return Supervision(
      ending: ending, durationMS: Clock.milliseconds() - started,
      errorsTail: String(decoding: errors.suffix(Self.errorsTailBytes), as: UTF8.self))
  }

  static let errorsTailBytes = 8 << 10
  /// How long a stopped process group gets between SIGTERM and SIGKILL.
  static let graceMilliseconds = 3000

  private func spawn(ownGroup: Bool) throws -> Spawned {
    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    guard pipe2(&outPipe, O_CLOEXEC) == 0, pipe2(&errPipe, O_CLOEXEC) == 0 else {
      throw DraftError(.git, "cannot start \(executable): \(String(cString: strerror(errno)))")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if case .file(let path) = input {
      posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, path, O_RDONLY, 0)
    }
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO)
    posix_spawn_file_actions_adddup2(&actions, mergeErrors ? outPipe[1] : errPipe[1], STDERR_FILENO)
    if let directory { posix_spawn_file_actions_addchdir_np(&actions, directory) }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    if ownGroup {
      // Its own group, so stopping it stops everything it started; default signal handling
      // and an empty mask, whatever this process has changed.
      var defaults = sigset_t()
      sigemptyset(&defaults)
      for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
      var empty = sigset_t()
      sigemptyset(&empty)
      posix_spawnattr_setsigdefault(&attributes, &defaults)
      posix_spawnattr_setsigmask(&attributes, &empty)
      posix_spawnattr_setpgroup(&attributes, 0)
      posix_spawnattr_setflags(
        &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    }

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let envp = environment.map { $0.map { strdup($0) } + [nil] }
    defer { envp?.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned =
      if var envp { posix_spawnp(&pid, executable, &actions, &attributes, argv, &envp) } else {
        posix_spawnp(&pid, executable, &actions, &attributes, argv, environ)
      }
    close(outPipe[1])
    close(errPipe[1])
    guard spawned == 0 else {
      close(outPipe[0])
      close(errPipe[0])
      throw DraftError(.git, "cannot run \(executable): \(String(cString: strerror(spawned)))")
    }
    return Spawned(pid: pid, output: outPipe[0], errors: errPipe[0], ownGroup: ownGroup)
  }
}

/// A started child and the read ends of its pipes.
private struct Spawned {
  var pid: pid_t
  var output: Int32
  var errors: Int32
  var ownGroup: Bool

  /// Reads both pipes until they close. With a deadline (or an interruption) the group is
  /// stopped and the reason returned; nil when the child closed its output by itself.
  func drain(
    until deadline: Int?, stopWhen: () -> String? = { nil }, output onOutput: ([UInt8]) -> Void,
    errors onErrors: ([UInt8]) -> Void
  ) -> ChildProcess.Ending? {
    var open = [output, errors]
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var stopped: ChildProcess.Ending?
    var killAt: Int?
    var exitedAt: Int?
    while !open.isEmpty {
      var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      if ownGroup { fds.append(pollfd(fd: Interruption.readEnd, events: Int16(POLLIN), revents: 0)) }
      let wait = ownGroup ? 100 : -1
      if poll(&fds, nfds_t(fds.count), Int32(wait)) < 0 && errno != EINTR { break }
      for entry in fds where entry.revents != 0 && entry.fd != Interruption.readEnd {
        let count = read(entry.fd, &buffer, buffer.count)
        if count > 0 {
          if entry.fd == output {
            onOutput(Array(buffer[0..<count]))
          } else {
            onErrors(Array(buffer[0..<count]))
          }
        } else if count == 0 || errno != EINTR {
          open.removeAll { $0 == entry.fd }
        }
      }
      guard ownGroup else { continue }
      let now = Clock.milliseconds()
      if stopped == nil {
        if Interruption.requested {
          stopped = .cancelled
        } else if let deadline, now >= deadline {
          stopped = .timedOut
        } else if let reason = stopWhen() {
          stopped = .stopped(reason)
        }
        if stopped != nil {
          kill(-pid, SIGTERM)
          killAt = now + ChildProcess.graceMilliseconds
        }
      }
      if let at = killAt, now >= at {
        kill(-pid, SIGKILL)
        killAt = nil
      }
      // Something it started in the background may hold the pipes open after it exited:
      // give that a moment to finish writing, then end the group.
      if exitedAt == nil, hasExited() { exitedAt = now }
      if let exitedAt, now - exitedAt > 1000 {
        kill(-pid, SIGKILL)
        break
      }
    }
    return stopped
  }

  private func hasExited() -> Bool {
    var info = siginfo_t()
    // Linux leaves the info zeroed when the child has not changed state.
    return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_signo == SIGCHLD
  }

  func wait() -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  }

  func closePipes() {
    close(output)
    close(errors)
  }
}

/// Monotonic time for durations and deadlines.
enum Clock {
  static func milliseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
  }
}
