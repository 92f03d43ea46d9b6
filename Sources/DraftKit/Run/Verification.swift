import GitKit

/// One verify command's result, as the evidence records it.
public struct VerifyResult: Sendable {
  public var command: String
  public var ending: ChildProcess.Ending
  public var durationMS: Int
  /// The end of its output (standard output and error together), at most the configured size.
  public var output: String
  public var outputBytes: Int
  public var outputSHA256: String

  public var passed: Bool { ending == .exited(0) }

  /// Exit code for the record: -1 when it was stopped.
  var exitCode: Int {
    if case .exited(let code) = ending { return Int(code) }
    return -1
  }

  /// Why it failed, in a few words.
  var failure: String {
    switch ending {
    case .exited(let code): "'\(command)' failed (exit \(code))"
    case .timedOut: "'\(command)' timed out"
    case .cancelled: "'\(command)' was cancelled"
    case .stopped(let reason): "'\(command)' was stopped: \(reason)"
    }
  }

  public func evidence(ticket: String, revision: Int) -> String {
    EvidenceRecord.line(
      "verify", ticket: ticket, revision: revision,
      [
        ("command", .string(command)), ("exit_code", .int(exitCode)), ("duration_ms", .int(durationMS)),
        ("timed_out", .bool(ending == .timedOut)), ("output", .string(output)),
        ("output_bytes", .int(outputBytes)), ("output_sha256", .string(outputSHA256)),
        ("truncated", .bool(outputBytes > output.utf8.count)),
      ])
  }
}

extension Draft {
  /// The verify commands for work based on `target`: the team's (from that commit's
  /// `.gitdraft`), then this clone's `draft.verify`.
  func verifyCommands(target: ObjectID, settings: RunSettings) throws -> [String] {
    try team(at: target).verify + settings.localVerify
  }

  func team(at commit: ObjectID) throws -> TeamSettings {
    try TeamSettings.read(at: commit, in: repository, scratch: runsDirectory)
  }

  /// Where runs keep their local files (prompt, process id): `.git/draft/runs`.
  var runsDirectory: String { TicketWorktree.trimmed(repository.commonDirectory) + "/draft/runs" }

  /// Runs the commands in order in `directory`, each through `/bin/sh -c` (they are the
  /// team's own commands; no ticket text is ever put into them), stopping at the first failure.
  /// With a `budget` (seconds), the commands together stop when it is spent.
  func verify(
    _ commands: [String], in directory: String, ticket: String, settings: RunSettings, budget: Int64? = nil,
    stopWhen: () -> String? = { nil }, progress: (String) -> Void = { _ in }
  ) throws -> [VerifyResult] {
    var results: [VerifyResult] = []
    let end = budget.map { Clock.milliseconds() / 1000 + Int($0) }
    for command in commands {
      var timeout = settings.verifyTimeout
      if let end { timeout = max(1, min(timeout, Int64(end - Clock.milliseconds() / 1000))) }
      progress(command)
      var process = ChildProcess("/bin/sh", ["-c", command], in: directory)
      process.environment = RunEnvironment.make(["GIT_DRAFT_RUN=1", "GIT_DRAFT_TICKET=\(ticket)"])
      process.mergeErrors = true
      var output: [UInt8] = []
      let supervision = try process.supervise(timeout: timeout, stopWhen: stopWhen) { line in
        output += line.utf8
        output.append(UInt8(ascii: "\n"))
      }
      let kept = output.suffix(settings.evidenceBytes)
      results.append(
        VerifyResult(
          command: command, ending: supervision.ending, durationMS: supervision.durationMS,
          output: String(decoding: kept, as: UTF8.self), outputBytes: output.count,
          outputSHA256: SHA256.hex(of: output)))
      if !results.last!.passed { break }
    }
    return results
  }
}
