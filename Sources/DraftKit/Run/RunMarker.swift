import Glibc

/// A run in progress in this clone is marked by `.git/draft/runs/<ticket>.pid`: one run per
/// ticket, and the process `git draft cancel` signals.
extension Draft {
  /// Creates the marker for this process, refusing when a live run of the ticket holds it.
  /// Returns its path, for the caller to remove when the run ends.
  func markRun(_ id: String, short: String) throws -> String {
    try FileSystem.makeDirectories(runsDirectory)
    let marker = runsDirectory + "/\(id).pid"
    var fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    if fd < 0, errno == EEXIST, runInProgress(id) == nil {
      fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    }
    guard fd >= 0 else {
      throw DraftError(
        .invalidInput,
        "ticket \(short) is being run in this clone already; 'git draft cancel \(short)' stops that run")
    }
    var line = Array("\(getpid())\n".utf8)
    _ = write(fd, &line, line.count)
    close(fd)
    return marker
  }

  /// Stops the run of a ticket that is in progress in this clone: the run stops its agent's
  /// process group and records the run as cancelled. The request is a file beside the marker,
  /// not a signal, so that cancelling one ticket of `git draft work` leaves the others running.
  public func cancel(_ prefix: String) throws -> Ticket {
    let ticket = try board(around: prefix).ticket
    guard runInProgress(ticket.id) != nil else {
      throw DraftError(.notFound, "no run of ticket \(ticket.id.prefix(12)) is in progress in this clone")
    }
    try FileSystem.write([], to: cancelFile(ticket.id))
    return ticket
  }

  func cancelFile(_ id: String) -> String { runsDirectory + "/\(id).cancel" }

  /// The reason to stop the run of `id`, once `git draft cancel` asked for it.
  func cancelRequested(_ id: String) -> String? {
    FileSystem.exists(cancelFile(id)) ? "cancelled with 'git draft cancel'" : nil
  }

  /// The process running the ticket in this clone, if one is alive (a stale marker is removed).
  func runInProgress(_ id: String) -> pid_t? {
    let marker = runsDirectory + "/\(id).pid"
    guard let pid = Self.livePID(inMarker: marker) else {
      Glibc.unlink(marker)
      return nil
    }
    return pid
  }

  /// The process a run marker names, if it is alive; reads only, so a dry run can ask too.
  static func livePID(inMarker path: String) -> pid_t? {
    guard let text = readFile(path).map({ String(decoding: $0, as: UTF8.self) }),
      let pid = pid_t(text.split(separator: "\n").first ?? ""), isLive(pid)
    else { return nil }
    return pid
  }

  /// True while process `pid` exists (EPERM: it does, under another user).
  static func isLive(_ pid: pid_t) -> Bool { pid > 0 && (kill(pid, 0) == 0 || errno == EPERM) }
}
