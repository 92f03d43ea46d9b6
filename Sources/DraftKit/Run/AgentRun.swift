import Glibc

/// What the agent's attempts came to.
struct AgentRun {
  var ending: ChildProcess.Ending
  var exitCode: Int?
  var durationMS: Int
  var attempts: Int
  var tally: AgentTally
  var errorsTail: String
}

extension Draft {
  /// Runs the agent, again after a transient failure (rate limit, overload, killed by a
  /// signal) up to `draft.retries` times with a doubling delay; each attempt is evidence.
  func runAgent(
    _ executor: ResolvedExecutor, prompt: String, promptFile: String, resume: String?, in directory: String,
    ticket: String, number: Int, timeout: Int64, settings: RunSettings, evidence: inout [String],
    stopWhen: (Spend) -> String?, progress: (RunProgress) -> Void
  ) throws -> AgentRun {
    let spec = executor.spec
    let invocation = executor.invocation(
      prompt: prompt, promptFile: promptFile, resumeSession: resume, unrestricted: settings.unrestricted)
    var process = ChildProcess(
      invocation.arguments[0], Array(invocation.arguments.dropFirst()), in: directory)
    process.environment = RunEnvironment.make(
      ["GIT_DRAFT_RUN=1", "GIT_DRAFT_TICKET=\(ticket)"]
        + invocation.environment.sorted { $0.key < $1.key }.map {
          "\($0.key)=\($0.value)"
        })
    process.input = .file(invocation.promptOnStdin ? promptFile : "/dev/null")
    var total = 0
    var spentBefore = Spend()
    var attempt = 0
    while true {
      attempt += 1
      var parser = AgentOutputParser(format: spec.output, workingDirectory: directory)
      var tally = AgentTally()
      func add(_ events: [AgentEvent]) {
        for event in events {
          tally.add(event)
          progress(.agent(event))
        }
      }
      let supervision = try process.supervise(
        timeout: timeout, stopWhen: { stopWhen(spentBefore + tally.spend) },
        onLine: { add(parser.parse(line: $0)) })
      add(parser.finish())
      total += supervision.durationMS
      var code: Int?
      if case .exited(let status) = supervision.ending { code = Int(status) }
      evidence.append(
        EvidenceRecord.line(
          "executor", ticket: ticket, revision: number,
          [
            ("attempt", .int(attempt)), ("executor", .string(spec.name)),
            (
              "argv", .array(invocation.arguments.map(JSONValue.string))
            ),
            ("model", tally.model.map(JSONValue.string) ?? .null),
            ("session", tally.session.map(JSONValue.string) ?? .null),
            ("exit_code", code.map(JSONValue.int) ?? .null), ("duration_ms", .int(supervision.durationMS)),
            ("input_tokens", tally.inputTokens.map(JSONValue.int) ?? .null),
            ("output_tokens", tally.outputTokens.map(JSONValue.int) ?? .null),
            ("cost_usd", tally.costUSD.flatMap(JSONValue.number) ?? .null),
            ("error", .string(String((tally.reportedError ?? supervision.errorsTail).suffix(2000)))),
          ]))
      let run = AgentRun(
        ending: supervision.ending, exitCode: code, durationMS: total, attempts: attempt, tally: tally,
        errorsTail: supervision.errorsTail)
      guard let status = code, status != 0 || tally.reportedError != nil, attempt <= settings.retries else {
        return run
      }
      let errorText = [tally.reportedError, supervision.errorsTail, tally.finalMessage].compactMap { $0 }
        .joined(separator: "\n")
      guard status > 128 || spec.isTransientFailure(exitStatus: Int32(status), errorText: errorText) else {
        return run
      }
      spentBefore = spentBefore + tally.spend
      let delay = settings.retryDelay << (attempt - 1)
      progress(.retrying(attempt: attempt + 1, delay: delay, reason: String(errorText.suffix(200))))
      if Self.pause(seconds: delay, stopWhen: { stopWhen(spentBefore) }) {
        return AgentRun(
          ending: .cancelled, exitCode: code, durationMS: total, attempts: attempt, tally: tally,
          errorsTail: supervision.errorsTail)
      }
    }
  }

  /// Waits, returning early (true) when the run is interrupted or `stopWhen` gives a reason.
  static func pause(seconds: Int64, stopWhen: () -> String? = { nil }) -> Bool {
    let end = Clock.milliseconds() + Int(seconds) * 1000
    while Clock.milliseconds() < end {
      if Interruption.requested || stopWhen() != nil { return true }
      usleep(100_000)
    }
    return Interruption.requested || stopWhen() != nil
  }
}
