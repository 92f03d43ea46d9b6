import CSystem
import Glibc

/// Runs a program directly (never through a shell, so no argument is ever interpreted) and
/// collects what it printed. Used for the user's own `git` (fetch and push go through their
/// ssh configuration, credential helpers and `insteadOf` rules).
public struct ChildProcess {
  public struct Result: Sendable {
    public var status: Int32
    public var output: String
    public var errors: String
  }

  public var executable: String
  public var arguments: [String]
  public var directory: String?

  public init(_ executable: String, _ arguments: [String], in directory: String? = nil) {
    self.executable = executable
    self.arguments = arguments
    self.directory = directory
  }

  /// Runs to completion. Standard input is inherited, so a credential prompt on a terminal
  /// still works; output and errors are read concurrently (poll) so neither pipe can fill up.
  public func run() throws -> Result {
    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    guard pipe2(&outPipe, O_CLOEXEC) == 0, pipe2(&errPipe, O_CLOEXEC) == 0 else {
      throw DraftError(.git, "cannot start \(executable): \(String(cString: strerror(errno)))")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO)
    if let directory { posix_spawn_file_actions_addchdir_np(&actions, directory) }

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
    close(outPipe[1])
    close(errPipe[1])
    defer {
      close(outPipe[0])
      close(errPipe[0])
    }
    guard spawned == 0 else {
      throw DraftError(.git, "cannot run \(executable): \(String(cString: strerror(spawned)))")
    }

    var output: [UInt8] = []
    var errors: [UInt8] = []
    var open = [outPipe[0], errPipe[0]]
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while !open.isEmpty {
      var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      if poll(&fds, nfds_t(fds.count), -1) < 0 {
        if errno == EINTR { continue }
        break
      }
      for entry in fds where entry.revents != 0 {
        let count = read(entry.fd, &buffer, buffer.count)
        if count > 0 {
          if entry.fd == outPipe[0] { output += buffer[0..<count] } else { errors += buffer[0..<count] }
        } else if count == 0 || errno != EINTR {
          open.removeAll { $0 == entry.fd }
        }
      }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // Exit status as the shell reports it: the code, or 128 + the signal that ended it.
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Result(
      status: code, output: String(decoding: output, as: UTF8.self),
      errors: String(decoding: errors, as: UTF8.self))
  }
}
