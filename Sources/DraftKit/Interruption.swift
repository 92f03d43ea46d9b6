import CSystem
import Glibc

/// Ctrl-C, SIGTERM (what `git draft cancel` sends) and SIGHUP during a run: noted, not fatal,
/// so the run can stop its agent's process group and record itself as cancelled.
/// The handler only writes a byte to a pipe (async-signal-safe); supervised processes poll it.
public enum Interruption {
  nonisolated(unsafe) private static var pipeEnds: [Int32] = [-1, -1]
  /// A copy of the write end as a plain integer: the handler must not touch an array.
  nonisolated(unsafe) private static var writeEnd: Int32 = -1

  /// The pipe's read end, readable once a signal arrived (-1 before `install`).
  static var readEnd: Int32 { pipeEnds[0] }

  /// Installs the handlers; from now on those signals no longer end this process.
  public static func install() {
    guard pipeEnds[0] < 0 else { return }
    var ends: [Int32] = [-1, -1]
    guard pipe2(&ends, O_CLOEXEC | O_NONBLOCK) == 0 else { return }
    pipeEnds = ends
    writeEnd = ends[1]
    // A parent may have started us with these blocked: they must reach the handler.
    var set = sigset_t()
    sigemptyset(&set)
    for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signal) }
    sigprocmask(SIG_UNBLOCK, &set, nil)
    for signal in [SIGINT, SIGTERM, SIGHUP] {
      _ = Glibc.signal(signal) { _ in
        var byte: UInt8 = 1
        _ = write(Interruption.writeEnd, &byte, 1)
      }
    }
  }

  /// True once one of the signals arrived.
  public static var requested: Bool {
    guard pipeEnds[0] >= 0 else { return false }
    var fds = [pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)]
    return poll(&fds, 1, 0) > 0
  }
}
