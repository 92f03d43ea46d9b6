import DraftKit
import Glibc

/// Writing to the terminal: whole strings at once with write(2), errors as one `error:` line.
enum Output {
  static func write(_ text: String, to fd: Int32 = STDOUT_FILENO) {
    var text = text
    text.withUTF8 { write($0, to: fd) }
  }

  static func write(_ bytes: [UInt8], to fd: Int32 = STDOUT_FILENO) {
    bytes.withUnsafeBufferPointer { write($0, to: fd) }
  }

  private static func write(_ bytes: UnsafeBufferPointer<UInt8>, to fd: Int32) {
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 && errno == EINTR { continue }
      if written <= 0 { return }
      offset += written
    }
  }

  static func line(_ text: String) { write(text + "\n") }

  /// Keeps `value` (a loaded board: thousands of small objects) alive until the process ends,
  /// so exit returns its memory at once instead of freeing it object by object, as git does.
  static func keepUntilExit(_ value: Any) {
    lastResult = value
  }

  nonisolated(unsafe) private static var lastResult: Any?

  static func warn(_ text: String) {
    write("warning: \(Terminal.clean(text))\n", to: STDERR_FILENO)
  }

  static func fail(_ message: String, code: Int32) -> Never {
    write("error: \(Terminal.clean(message))\n", to: STDERR_FILENO)
    Glibc.exit(code)
  }

  /// Reports refs that could not be read as tickets (by name, a few at most).
  static func warnInvalid(_ board: Board) { warnInvalid(board.invalid) }

  /// A sync's warnings, then its one-line summary.
  static func report(_ report: SyncReport) {
    warnInvalid(report.invalid)
    line(report.summary)
  }

  static func warnInvalid(_ invalid: [InvalidTicket]) {
    for entry in invalid.prefix(10) { warn("skipping invalid ticket: \(entry.reason)") }
    if invalid.count > 10 { warn("... and \(invalid.count - 10) more invalid tickets") }
  }
}
