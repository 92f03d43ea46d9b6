import DraftKit
import Foundation
import GitKit
import Testing

private func spec(_ name: String) -> ExecutorSpec { ExecutorSpec.builtIn(named: name)! }

private func argv(
  _ name: String, model: String? = nil, resume: String? = nil, unrestricted: Bool = false,
  extra: [String] = []
) -> [String] {
  spec(name).invocation(
    prompt: "Fix it", promptFile: "/tmp/prompt.md", model: model, resumeSession: resume,
    unrestricted: unrestricted,
    extraArguments: extra
  ).arguments
}

/// The stand-in agent scripts in Tests/Fixtures/agents.
private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Fixtures/agents").path

@Suite struct ExecutorTests {
  // MARK: The table

  @Test func builtInsInPreferenceOrder() {
    #expect(
      ExecutorSpec.builtIn.map(\.name) == [
        "claude", "codex", "gemini", "cursor-agent", "opencode", "aider", "goose", "qwen", "amp", "copilot",
      ])
    for spec in ExecutorSpec.builtIn {
      #expect(!spec.installHint.isEmpty)
      #expect(spec.arguments.flatMap { $0 }.contains("{permissions}"), "\(spec.name) places its permissions")
    }
    let resumable = ExecutorSpec.builtIn.filter(\.supportsResume).map(\.name)
    #expect(resumable == ["claude", "codex", "gemini", "cursor-agent", "opencode", "qwen", "amp"])
  }

  @Test func claudeInvocations() {
    let safe = spec("claude").invocation(
      prompt: "Fix it", promptFile: "/tmp/prompt.md", model: nil, resumeSession: nil, unrestricted: false,
      extraArguments: [])
    #expect(
      safe.arguments == [
        "claude", "-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "acceptEdits",
      ])
    #expect(safe.promptOnStdin)
    #expect(safe.environment.isEmpty)
    #expect(
      argv(
        "claude", model: "opus", resume: "5b0c6a2e-7d1f-4c3b-9a8e-1f2d3c4b5a69", unrestricted: true,
        extra: ["--max-turns", "40"])
        == [
          "claude", "-p", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions",
          "--model",
          "opus", "--resume", "5b0c6a2e-7d1f-4c3b-9a8e-1f2d3c4b5a69", "--max-turns", "40",
        ])
    #expect(argv("claude", model: "") == argv("claude"))
  }

  @Test func codexPutsEveryOptionBeforeResume() {
    #expect(argv("codex") == ["codex", "exec", "--json", "--sandbox", "workspace-write", "-"])
    #expect(
      argv(
        "codex", model: "gpt-5-codex", resume: "0199a213-81c0-7800-8aa1-bbab2a035a53", extra: ["-c", "x=1"])
        == [
          "codex", "exec", "--json", "--sandbox", "workspace-write", "--model", "gpt-5-codex", "-c", "x=1",
          "resume",
          "0199a213-81c0-7800-8aa1-bbab2a035a53", "-",
        ])
    #expect(
      argv("codex", unrestricted: true) == [
        "codex", "exec", "--json", "--dangerously-bypass-approvals-and-sandbox", "-",
      ])
  }

  @Test func otherBuiltInInvocations() {
    #expect(
      argv("gemini", model: "gemini-2.5-flash", resume: "8d2f1c4e-3b5a-4e6f-9c7d-2a1b0e9f8c7d") == [
        "gemini", "-p", "", "--output-format", "stream-json", "--approval-mode", "auto_edit", "--model",
        "gemini-2.5-flash", "--resume", "8d2f1c4e-3b5a-4e6f-9c7d-2a1b0e9f8c7d",
      ])
    #expect(argv("gemini", unrestricted: true).contains("yolo"))

    let cursor = spec("cursor-agent").invocation(
      prompt: "Fix it", promptFile: "/tmp/prompt.md", model: nil, resumeSession: nil, unrestricted: false,
      extraArguments: ["--approve-mcps"])
    #expect(
      cursor.arguments == [
        "cursor-agent", "-p", "--output-format", "stream-json", "--trust", "--force", "--sandbox", "enabled",
        "--approve-mcps", "Fix it",
      ])
    #expect(!cursor.promptOnStdin)

    let opencode = spec("opencode").invocation(
      prompt: "", promptFile: "/tmp/p", model: "anthropic/claude-sonnet-4-5",
      resumeSession: "ses_494719016ffe85dkDMj0FPRbHK",
      unrestricted: false, extraArguments: [])
    #expect(
      opencode.arguments == [
        "opencode", "run", "--format", "json", "--model", "anthropic/claude-sonnet-4-5", "--session",
        "ses_494719016ffe85dkDMj0FPRbHK",
      ])
    #expect(opencode.environment["OPENCODE_PERMISSION"]?.contains(#""bash":"deny""#) == true)

    let aider = spec("aider").invocation(
      prompt: "Fix it", promptFile: "/tmp/prompt.md", model: "sonnet", resumeSession: "ignored",
      unrestricted: false,
      extraArguments: [])
    #expect(
      aider.arguments == [
        "aider", "--message-file", "/tmp/prompt.md", "--yes-always", "--no-auto-commits", "--no-pretty",
        "--model", "sonnet",
      ])
    #expect(!aider.promptOnStdin)

    let goose = spec("goose").invocation(
      prompt: "Fix it", promptFile: "/tmp/prompt.md", model: nil, resumeSession: nil, unrestricted: false,
      extraArguments: [])
    #expect(goose.arguments == ["goose", "run", "--instructions", "/tmp/prompt.md"])
    #expect(goose.environment == ["GOOSE_MODE": "smart_approve"])

    #expect(
      argv("qwen") == ["qwen", "--output-format", "stream-json", "--approval-mode", "auto-edit"])
    #expect(argv("amp") == ["amp", "--execute", "--stream-json"])
    #expect(
      argv("amp", model: "ignored", resume: "T-123", unrestricted: true) == [
        "amp", "threads", "continue", "T-123", "--execute", "--stream-json", "--dangerously-allow-all",
      ])
    #expect(argv("copilot") == ["copilot", "-p", "Fix it", "-s", "--allow-tool=write"])
    #expect(argv("copilot", unrestricted: true) == ["copilot", "-p", "Fix it", "-s", "--allow-all-tools"])
  }

  @Test func sessionsThatCouldBeOptionsAreNotResumed() {
    #expect(argv("claude", resume: "--dangerously-skip-permissions") == argv("claude"))
    #expect(argv("claude", resume: "a b") == argv("claude"))
    #expect(argv("claude", resume: "") == argv("claude"))
  }

  @Test func userTemplatesSubstituteOnce() {
    let custom = ExecutorSpec(
      name: "mine", program: "my-agent", output: .plain, prompt: .argument, installHint: "",
      arguments: [["--task={prompt}"], ["--model", "{model}"], ["{unknown}"]])
    let invocation = custom.invocation(
      prompt: "use {model} and {prompt_file}", promptFile: "/p", model: "m1", resumeSession: nil,
      unrestricted: true,
      extraArguments: ["-v"])
    #expect(
      invocation.arguments == [
        "my-agent", "--task=use {model} and {prompt_file}", "--model", "m1", "{unknown}", "-v",
      ])
    #expect(!custom.supportsResume)

    let file = ExecutorSpec(
      name: "f", program: "f", output: .plain, prompt: .file, installHint: "", arguments: [])
    #expect(
      file.invocation(
        prompt: "x", promptFile: "/p", model: nil, resumeSession: nil, unrestricted: false,
        extraArguments: ["-q"]
      ).arguments == ["f", "-q", "/p"])
  }

  // MARK: Transient failures

  @Test func transientFailures() {
    let claude = spec("claude")
    #expect(
      claude.isTransientFailure(
        exitStatus: 1, errorText: #"API Error: 429 {"type":"error","error":{"type":"rate_limit_error"}}"#))
    #expect(
      claude.isTransientFailure(exitStatus: 1, errorText: #"API Error: 529 {"type":"overloaded_error"}"#))
    #expect(claude.isTransientFailure(exitStatus: 1, errorText: "API Error: 500 Internal server error"))
    #expect(
      spec("codex").isTransientFailure(
        exitStatus: 1, errorText: "exceeded retry limit, last status: 429 Too Many Requests"))
    #expect(
      spec("codex").isTransientFailure(exitStatus: 1, errorText: "stream disconnected before completion"))
    #expect(
      spec("gemini").isTransientFailure(
        exitStatus: 1, errorText: "[API Error: status 429 RESOURCE_EXHAUSTED]"))
    #expect(spec("opencode").isTransientFailure(exitStatus: 1, errorText: "Rate limit exceeded"))
    #expect(
      spec("aider").isTransientFailure(exitStatus: 1, errorText: "litellm.RateLimitError: AnthropicException")
    )
    #expect(claude.isTransientFailure(exitStatus: 1, errorText: "Error: connect ECONNRESET 1.2.3.4:443"))
    #expect(claude.isTransientFailure(exitStatus: 1, errorText: #"{"statusCode":503}"#))
    #expect(claude.isTransientFailure(exitStatus: 137, errorText: ""))
    #expect(claude.isTransientFailure(exitStatus: 143, errorText: "Terminated"))

    #expect(!claude.isTransientFailure(exitStatus: 0, errorText: "rate limit"))
    #expect(
      !claude.isTransientFailure(exitStatus: 1, errorText: "Error: stand-in failure: something went wrong"))
    #expect(!claude.isTransientFailure(exitStatus: 1, errorText: "used 14290 tokens, 5003 lines"))
    #expect(!claude.isTransientFailure(exitStatus: 1, errorText: "Claude AI usage limit reached|1760000000"))
    #expect(
      !spec("codex").isTransientFailure(
        exitStatus: 1,
        errorText: "429 Too Many Requests: You exceeded your current quota (insufficient_quota)"))
    #expect(!claude.isTransientFailure(exitStatus: 2, errorText: "error: unknown option '--bogus'"))
  }

  // MARK: Choosing an executor

  /// A directory of fake executables (and a non-executable decoy) for a test PATH.
  private func binDirectory(_ repository: TestRepository, _ names: [String], decoys: [String] = []) throws
    -> String
  {
    let bin = repository.root + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    for name in names {
      _ = FileManager.default.createFile(atPath: bin + "/" + name, contents: Data("#!/bin/sh\n".utf8))
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/" + name)
    }
    for name in decoys {
      _ = FileManager.default.createFile(atPath: bin + "/" + name, contents: Data("#!/bin/sh\n".utf8))
      try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: bin + "/" + name)
    }
    try FileManager.default.createDirectory(atPath: bin + "/gemini", withIntermediateDirectories: true)
    return bin
  }

  @Test func theFirstBuiltInOnPathRuns() throws {
    let repository = try TestRepository()
    let bin = try binDirectory(repository, ["codex", "aider"], decoys: ["claude"])
    let resolved = try ExecutorSpec.choose(
      requested: nil, configuration: repository.draft.configuration(), path: "/nonexistent::relative:" + bin)
    #expect(resolved.spec.name == "codex")
    #expect(resolved.program == bin + "/codex")
    #expect(resolved.model == nil)
    #expect(resolved.extraArguments == [])
  }

  @Test func flagThenConfigThenTeam() throws {
    let repository = try TestRepository()
    let bin = try binDirectory(repository, ["claude", "codex", "aider"])
    try repository.git("config", "draft.executor", "aider")
    try repository.git("config", "draft.executor.aider.model", "sonnet")
    try repository.git("config", "--add", "draft.executor.aider.extraArgs", "--no-stream")
    try repository.git("config", "--add", "draft.executor.aider.extraArgs", "--map-tokens=0")
    var config = try repository.draft.configuration()

    let flagged = try ExecutorSpec.choose(
      requested: "codex", configuration: config, path: bin, teamDefault: "claude")
    #expect(flagged.spec.name == "codex")

    let configured = try ExecutorSpec.choose(
      requested: nil, configuration: config, path: bin, teamDefault: "claude")
    #expect(configured.spec.name == "aider")
    #expect(configured.model == "sonnet")
    #expect(configured.extraArguments == ["--no-stream", "--map-tokens=0"])
    let invocation = configured.invocation(
      prompt: "x", promptFile: "/p", resumeSession: nil, unrestricted: false)
    #expect(invocation.arguments.first == bin + "/aider")
    #expect(Array(invocation.arguments.suffix(4)) == ["--model", "sonnet", "--no-stream", "--map-tokens=0"])

    try repository.git("config", "--unset", "draft.executor")
    config = try repository.draft.configuration()
    let team = try ExecutorSpec.choose(
      requested: nil, configuration: config, path: bin, teamDefault: "claude")
    #expect(team.spec.name == "claude")
  }

  @Test func userDefinedExecutors() throws {
    let repository = try TestRepository()
    let bin = try binDirectory(repository, ["my-agent", "claude-wrapper"])
    try repository.git("config", "draft.executor.mine.command", "my-agent")
    try repository.git("config", "--add", "draft.executor.mine.args", "--model")
    try repository.git("config", "--add", "draft.executor.mine.args", "{model}")
    try repository.git("config", "--add", "draft.executor.mine.args", "--input={prompt_file}")
    try repository.git("config", "draft.executor.mine.format", "claude")
    try repository.git("config", "draft.executor.mine.prompt", "file")
    try repository.git("config", "draft.executor.claude.command", bin + "/claude-wrapper")
    try repository.git("config", "draft.executor.claude.model", "opus")
    let config = try repository.draft.configuration()

    let mine = try ExecutorSpec.choose(requested: "mine", configuration: config, path: bin)
    #expect(mine.spec.output == .claude)
    #expect(mine.spec.prompt == .file)
    #expect(mine.program == bin + "/my-agent")
    #expect(
      mine.invocation(prompt: "x", promptFile: "/p", resumeSession: nil, unrestricted: true).arguments == [
        bin + "/my-agent", "--input=/p",
      ])

    // A built-in's command only replaces its program.
    let claude = try ExecutorSpec.choose(requested: "claude", configuration: config, path: "/nonexistent")
    #expect(claude.program == bin + "/claude-wrapper")
    #expect(claude.spec.output == .claude)
    #expect(
      claude.invocation(prompt: "x", promptFile: "/p", resumeSession: nil, unrestricted: false).arguments
        .suffix(2)
        == ["--model", "opus"])

    try repository.git("config", "draft.executor.bad.command", "my-agent")
    try repository.git("config", "draft.executor.bad.format", "xml")
    let error = #expect(throws: DraftError.self) {
      try ExecutorSpec.choose(requested: "bad", configuration: repository.draft.configuration(), path: bin)
    }
    #expect(error?.message.contains("must be one of claude, cursor, codex, gemini, opencode, plain") == true)
  }

  @Test func clearErrors() throws {
    let repository = try TestRepository()
    let bin = try binDirectory(repository, [])
    let config = try repository.draft.configuration()

    func message(_ requested: String?) -> String {
      do {
        _ = try ExecutorSpec.choose(requested: requested, configuration: config, path: bin)
        return "no error"
      } catch {
        return (error as? DraftError)?.message ?? "\(error)"
      }
    }
    #expect(
      message("x")
        == "unknown executor 'x'; built in: claude, codex, gemini, cursor-agent, opencode, aider, goose, qwen, amp, copilot; or define one with git config draft.executor.x.command PROGRAM"
    )
    let missing = message("gemini")
    #expect(missing.contains("npm install -g @google/gemini-cli"))
    #expect(!missing.contains("\n"))
    let none = message(nil)
    #expect(
      none.hasPrefix(
        "no coding agent found on PATH; install one (claude: npm install -g @anthropic-ai/claude-code;"))
    #expect(none.hasSuffix("or set git config draft.executor.NAME.command"))
    #expect(!none.contains("\n"))
    #expect(message("../evil").contains("is not an executor name"))
  }

  // MARK: The stand-in agents agree with the parsers

  struct StandInRun {
    var status: Int32
    var output: String
    var errors: String
    var tally: AgentTally
    var argv: [String]
    var prompt: String?
  }

  /// Runs a stand-in the way a run would: the invocation's argv (the script in the program's
  /// place), its environment, the prompt on stdin or in the file.
  private func runStandIn(
    _ name: String, script: String? = nil, in directory: String, resume: String? = nil, model: String? = nil,
    extra: [String] = [], environment: [String: String] = [:]
  ) throws -> StandInRun {
    let log = directory + "/.standin-log-\(UUID().uuidString)"
    let promptFile = directory + "/../prompt-\(UUID().uuidString).md"
    let prompt = "Append a line.\nThe ticket says: {model} stays as written.\n"
    try Data(prompt.utf8).write(to: URL(fileURLWithPath: promptFile))
    let spec =
      ExecutorSpec.builtIn(named: name)
      ?? ExecutorSpec(
        name: name, program: name, output: .plain, prompt: .stdin, installHint: "", arguments: [])
    let resolved = ResolvedExecutor(
      spec: spec, model: model, extraArguments: extra, program: fixtures + "/" + (script ?? name))
    let invocation = resolved.invocation(
      prompt: prompt, promptFile: promptFile, resumeSession: resume, unrestricted: false)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: invocation.arguments[0])
    process.arguments = Array(invocation.arguments.dropFirst())
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("STANDIN_") }
    env["STANDIN_LOG"] = log
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env.merge(invocation.environment) { $1 }
    env.merge(environment) { $1 }
    process.environment = env
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput =
      invocation.promptOnStdin
      ? try FileHandle(forReadingFrom: URL(fileURLWithPath: promptFile)) : FileHandle.nullDevice
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()

    var parser = AgentOutputParser(format: spec.output, workingDirectory: directory)
    var tally = AgentTally()
    let text = String(decoding: outputData, as: UTF8.self)
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      tally.add(parser.parse(line: String(line)))
    }
    tally.add(parser.finish())
    let argvLog = (try? String(contentsOfFile: log + "/argv", encoding: .utf8)) ?? ""
    var argv = argvLog.components(separatedBy: "\n")
    if argv.last == "" { argv.removeLast() }
    if argv.last == "--" { argv.removeLast() }
    #expect(argv == Array(invocation.arguments.dropFirst()), "\(name) was given the invocation's arguments")
    let received = try? String(contentsOfFile: log + "/prompt", encoding: .utf8)
    try? FileManager.default.removeItem(atPath: log)
    return StandInRun(
      status: process.terminationStatus, output: text, errors: String(decoding: errorData, as: UTF8.self),
      tally: tally,
      argv: argv, prompt: received)
  }

  static let structured: [(name: String, session: String, cost: Double?)] = [
    ("claude", "5b0c6a2e-7d1f-4c3b-9a8e-1f2d3c4b5a69", 0.0123),
    ("codex", "0199a213-81c0-7800-8aa1-bbab2a035a53", nil),
    ("gemini", "8d2f1c4e-3b5a-4e6f-9c7d-2a1b0e9f8c7d", nil),
    ("opencode", "ses_494719016ffe85dkDMj0FPRbHK", 0.0123),
  ]

  @Test(arguments: structured)
  func structuredStandInsMatchTheirParsers(_ agent: (name: String, session: String, cost: Double?)) throws {
    let repository = try TestRepository()
    let first = try runStandIn(agent.name, in: repository.path, model: "model-x")
    #expect(first.status == 0, "\(first.errors)")
    #expect(first.prompt == "Append a line.\nThe ticket says: {model} stays as written.\n")
    #expect(first.tally.session == agent.session)
    #expect(first.tally.inputTokens == 1200)
    #expect(first.tally.outputTokens == 345)
    #expect(abs((first.tally.costUSD ?? -1) - (agent.cost ?? -1)) < 1e-9)
    #expect(first.tally.filesChanged == ["agent-output.txt"])
    #expect(first.tally.finalMessage == "Appended a line to agent-output.txt.")
    #expect(first.tally.toolCalls >= 1)
    #expect(first.tally.reportedError == nil)
    if agent.name == "claude" || agent.name == "gemini" { #expect(first.tally.model == "model-x") }
    let content = try String(contentsOfFile: repository.path + "/agent-output.txt", encoding: .utf8)
    #expect(content == "agent was here\n")

    // Resuming echoes the session back.
    let resumed = try runStandIn(agent.name, in: repository.path, resume: "resumed-session-1")
    #expect(resumed.status == 0, "\(resumed.errors)")
    #expect(resumed.tally.session == "resumed-session-1")
    #expect(
      try String(contentsOfFile: repository.path + "/agent-output.txt", encoding: .utf8)
        == "agent was here\nagent was here\n")

    // A rate limit fails as transient once, then the retry succeeds.
    let state = repository.root + "/state-\(agent.name)"
    let limited = try runStandIn(
      agent.name, in: repository.path, environment: ["STANDIN_MODE": "ratelimit", "STANDIN_STATE": state])
    #expect(limited.status == 1)
    #expect(limited.tally.reportedError != nil)
    let errorText = limited.errors + "\n" + (limited.tally.reportedError ?? "")
    #expect(spec(agent.name).isTransientFailure(exitStatus: limited.status, errorText: errorText))
    let retried = try runStandIn(
      agent.name, in: repository.path, environment: ["STANDIN_MODE": "ratelimit", "STANDIN_STATE": state])
    #expect(retried.status == 0)

    // A plain failure is reported and not transient.
    let failed = try runStandIn(agent.name, in: repository.path, environment: ["STANDIN_MODE": "fail"])
    #expect(failed.status == 1)
    #expect(failed.tally.reportedError?.contains("something went wrong") == true)
    #expect(
      !spec(agent.name).isTransientFailure(
        exitStatus: failed.status, errorText: failed.errors + "\n" + (failed.tally.reportedError ?? "")))

    // Nothing to do.
    let idle = try runStandIn(agent.name, in: repository.path, environment: ["STANDIN_MODE": "nochange"])
    #expect(idle.status == 0)
    #expect(idle.tally.finalMessage == "Nothing to do")
    #expect(idle.tally.filesChanged.isEmpty)

    // An option the CLI does not have is refused.
    let refused = try runStandIn(agent.name, in: repository.path, extra: ["--no-such-option"])
    #expect(refused.status == 2)
  }

  @Test(arguments: ["aider", "plain-agent"])
  func plainStandIns(_ name: String) throws {
    let repository = try TestRepository()
    let done = try runStandIn(name, in: repository.path, model: "model-x")
    #expect(done.status == 0, "\(done.errors)")
    #expect(done.prompt == "Append a line.\nThe ticket says: {model} stays as written.\n")
    #expect(done.output.contains("agent-output.txt"))
    #expect(
      try String(contentsOfFile: repository.path + "/agent-output.txt", encoding: .utf8) == "agent was here\n"
    )
    // --no-auto-commits: the change is left for git-draft to commit.
    #expect(try repository.git("status", "--porcelain") == "?? agent-output.txt")

    let committed = try runStandIn(name, in: repository.path, environment: ["STANDIN_MODE": "commit"])
    #expect(committed.status == 0, "\(committed.errors)")
    #expect(try repository.git("log", "--format=%s", "-1").contains("Append a line to agent-output.txt"))

    let limited = try runStandIn(name, in: repository.path, environment: ["STANDIN_MODE": "ratelimit"])
    #expect(limited.status == 1)
    #expect(
      spec(name == "aider" ? "aider" : "claude").isTransientFailure(
        exitStatus: limited.status, errorText: limited.errors + limited.output))

    let refused = try runStandIn(name, in: repository.path, extra: ["--no-such-option"])
    #expect(refused.status == 2)
  }
}
