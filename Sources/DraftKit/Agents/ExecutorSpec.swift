/// How a CLI takes the prompt.
public enum PromptDelivery: String, Sendable, CaseIterable {
  /// Piped to standard input.
  case stdin
  /// The path of a file holding it, through the `{prompt_file}` placeholder.
  case file
  /// The text itself as one argument, through the `{prompt}` placeholder.
  case argument
}

/// Which structured output the CLI prints, and so which parser reads it.
public enum AgentOutputFormat: String, Sendable, CaseIterable {
  /// Claude Code's `stream-json`: `system`/`assistant`/`user`/`result` lines. Qwen Code and Amp
  /// print the same shape.
  case claude
  /// cursor-agent's `stream-json`: claude's shape plus `tool_call` started/completed lines.
  case cursor
  /// `codex exec --json`: `thread.started`, `item.*`, `turn.completed`/`turn.failed`.
  case codex
  /// Gemini CLI's `stream-json`: `init`, `message`, `tool_use`, `tool_result`, `error`, `result`.
  case gemini
  /// `opencode run --format json`: `step_start`, `text`, `tool_use`, `step_finish`, `error`.
  case opencode
  /// Plain text: each line is shown as it is.
  case plain
}

/// One coding-agent CLI, as data: how to call it headless, what it prints, how it fails.
///
/// `arguments` is a template of groups of arguments that follow the program. An element may hold
/// the placeholders `{model}`, `{session}`, `{prompt_file}` and `{prompt}`; a group with a
/// placeholder that has no value (no model configured, not resuming) is left out whole, so
/// `["--model", "{model}"]` disappears together. Two elements stand alone as markers:
/// `{permissions}` becomes the safe or the unrestricted permission arguments, and `{extra}` the
/// user's extra arguments (appended at the end when the template has no `{extra}`).
public struct ExecutorSpec: Sendable, Equatable {
  /// What a permission mode adds: arguments and environment variables.
  public struct Permissions: Sendable, Equatable {
    public var arguments: [String]
    public var environment: [String: String]

    public init(_ arguments: [String] = [], environment: [String: String] = [:]) {
      self.arguments = arguments
      self.environment = environment
    }
  }

  /// "claude", "codex", ... or a name the user defined.
  public var name: String
  /// Looked up on PATH unless it holds a slash.
  public var program: String
  public var output: AgentOutputFormat
  public var prompt: PromptDelivery
  /// Whether a session can be resumed (the template has a `{session}` group).
  public var supportsResume: Bool
  /// How to install the CLI, e.g. "npm install -g @anthropic-ai/claude-code".
  public var installHint: String
  public var arguments: [[String]]
  /// The CLI's permissioned, edit-only mode: the default.
  public var safe: Permissions
  /// Its skip-all-permissions mode: only when the user allows it for the repository.
  public var unrestricted: Permissions
  /// Lowercase substrings of error output that mark a failure worth retrying, on top of the
  /// common ones (rate limits, overload, 5xx, network).
  public var transientPatterns: [String]

  public init(
    name: String, program: String, output: AgentOutputFormat, prompt: PromptDelivery, installHint: String,
    arguments: [[String]], safe: Permissions = Permissions(), unrestricted: Permissions = Permissions(),
    transientPatterns: [String] = []
  ) {
    self.name = name
    self.program = program
    self.output = output
    self.prompt = prompt
    self.installHint = installHint
    self.arguments = arguments
    self.safe = safe
    self.unrestricted = unrestricted
    self.transientPatterns = transientPatterns
    self.supportsResume = arguments.contains { group in group.contains { $0.contains("{session}") } }
  }
}

/// What one run of an executor needs to be started.
public struct AgentInvocation: Sendable, Equatable {
  /// The program first, then its arguments: an argv, never a shell string.
  public var arguments: [String]
  /// The prompt file goes to standard input.
  public var promptOnStdin: Bool
  /// Set on top of the inherited environment (goose takes its permission mode from one).
  public var environment: [String: String]

  public init(arguments: [String], promptOnStdin: Bool, environment: [String: String] = [:]) {
    self.arguments = arguments
    self.promptOnStdin = promptOnStdin
    self.environment = environment
  }
}

extension ExecutorSpec {
  /// The built-in executors, in the order they are preferred when none is chosen: the first
  /// one found on PATH runs.
  ///
  /// Flags are taken from each CLI's documentation or source (noted per entry); where a flag could
  /// not be confirmed, the comment says so. Safe mode is each CLI's edit-only or sandboxed mode.
  public static let builtIn: [ExecutorSpec] = [
    // Claude Code: `-p` reads the prompt from stdin; stream-json needs `--verbose` with `-p`.
    // acceptEdits lets it edit files (shell commands that need approval are refused headless);
    // `--dangerously-skip-permissions` is bypassPermissions. All confirmed in its CLI reference.
    ExecutorSpec(
      name: "claude", program: "claude", output: .claude, prompt: .stdin,
      installHint: "npm install -g @anthropic-ai/claude-code",
      arguments: [
        ["-p"], ["--output-format", "stream-json"], ["--verbose"], ["{permissions}"], ["--model", "{model}"],
        ["--resume", "{session}"], ["{extra}"],
      ],
      safe: Permissions(["--permission-mode", "acceptEdits"]),
      unrestricted: Permissions(["--dangerously-skip-permissions"]),
      transientPatterns: ["overloaded_error", "api_error", "api error: 5"]),
    // Codex (codex-rs/exec/src/cli.rs): `-` reads the prompt from stdin. `resume` takes only a
    // few options (no `--sandbox`), so every option goes before it; a resumed session keeps the
    // sandbox it was recorded with. `--full-auto` is gone: `--sandbox workspace-write` it is.
    ExecutorSpec(
      name: "codex", program: "codex", output: .codex, prompt: .stdin,
      installHint: "npm install -g @openai/codex",
      arguments: [
        ["exec"], ["--json"], ["{permissions}"], ["--model", "{model}"], ["{extra}"],
        ["resume", "{session}"],
        ["-"],
      ],
      safe: Permissions(["--sandbox", "workspace-write"]),
      unrestricted: Permissions(["--dangerously-bypass-approvals-and-sandbox"]),
      transientPatterns: ["stream disconnected", "exceeded retry limit"]),
    // Gemini CLI (docs/cli/headless.md, packages/cli/src/config/config.ts): `-p` is "appended to
    // input on stdin", so an empty `-p` keeps it headless with the whole prompt on stdin.
    // `--resume` takes a session UUID (docs/cli/session-management.md).
    ExecutorSpec(
      name: "gemini", program: "gemini", output: .gemini, prompt: .stdin,
      installHint: "npm install -g @google/gemini-cli",
      arguments: [
        ["-p", ""], ["--output-format", "stream-json"], ["{permissions}"], ["--model", "{model}"],
        ["--resume", "{session}"], ["{extra}"],
      ],
      safe: Permissions(["--approval-mode", "auto_edit"]),
      unrestricted: Permissions(["--approval-mode", "yolo"]),
      transientPatterns: ["resource_exhausted", "model is overloaded"]),
    // cursor-agent: the prompt is an argument (stdin delivery is not documented). Headless edits
    // are only applied with `--force`, so safe mode is `--force` inside its sandbox;
    // `--trust` skips the workspace-trust prompt that otherwise stops a headless run in a new
    // worktree. `--sandbox enabled|disabled` is from its parameter reference (not verified).
    ExecutorSpec(
      name: "cursor-agent", program: "cursor-agent", output: .cursor, prompt: .argument,
      installHint: "curl https://cursor.com/install -fsS | bash",
      arguments: [
        ["-p"], ["--output-format", "stream-json"], ["--trust"], ["{permissions}"], ["--model", "{model}"],
        ["--resume", "{session}"], ["{extra}"], ["{prompt}"],
      ],
      safe: Permissions(["--force", "--sandbox", "enabled"]),
      unrestricted: Permissions(["--force", "--sandbox", "disabled"])),
    // opencode (packages/opencode/src/cli/cmd/run.ts): `run` takes piped stdin as the message,
    // `--session` resumes. Permissions come from OPENCODE_PERMISSION (documented environment
    // variable): safe mode allows edits and refuses shell and web access.
    ExecutorSpec(
      name: "opencode", program: "opencode", output: .opencode, prompt: .stdin,
      installHint: "npm install -g opencode-ai",
      arguments: [
        ["run"], ["--format", "json"], ["{permissions}"], ["--model", "{model}"], ["--session", "{session}"],
        ["{extra}"],
      ],
      safe: Permissions(environment: [
        "OPENCODE_PERMISSION": #"{"edit":"allow","bash":"deny","webfetch":"deny"}"#
      ]),
      unrestricted: Permissions(
        environment: ["OPENCODE_PERMISSION": #"{"edit":"allow","bash":"allow","webfetch":"allow"}"#])),
    // Aider (aider.chat/docs/scripting.html): `--message-file` runs one message and exits;
    // `--yes-always` does not run shell commands without an explicit yes, so it stays edit-only;
    // git-draft commits, not aider. Plain output; no resume.
    ExecutorSpec(
      name: "aider", program: "aider", output: .plain, prompt: .file,
      installHint: "python -m pip install aider-install && aider-install",
      arguments: [
        ["--message-file", "{prompt_file}"], ["--yes-always"], ["--no-auto-commits"], ["--no-pretty"],
        ["{permissions}"], ["--model", "{model}"], ["{extra}"],
      ],
      transientPatterns: ["ratelimiterror", "serviceunavailableerror", "apiconnectionerror"]),
    // goose (goose-cli-commands.md): `run --instructions FILE`. Its permission mode comes from
    // GOOSE_MODE (auto is its default and approves everything); smart_approve asks before
    // risky tools, which a headless run cannot answer. Plain text output (its stream-json event
    // shape is not documented); no resume.
    ExecutorSpec(
      name: "goose", program: "goose", output: .plain, prompt: .file,
      installHint:
        "curl -fsSL https://github.com/block/goose/releases/download/stable/download_cli.sh | bash",
      arguments: [
        ["run"], ["--instructions", "{prompt_file}"], ["{permissions}"], ["--model", "{model}"], ["{extra}"],
      ],
      safe: Permissions(environment: ["GOOSE_MODE": "smart_approve"]),
      unrestricted: Permissions(environment: ["GOOSE_MODE": "auto"])),
    // Qwen Code (a Gemini CLI fork; qwenlm.github.io headless docs): piped stdin runs headless;
    // its stream-json is claude's shape; approval modes are spelled `auto-edit` and `yolo`.
    ExecutorSpec(
      name: "qwen", program: "qwen", output: .claude, prompt: .stdin,
      installHint: "npm install -g @qwen-code/qwen-code",
      arguments: [
        ["--output-format", "stream-json"], ["{permissions}"], ["--model", "{model}"],
        ["--resume", "{session}"],
        ["{extra}"],
      ],
      safe: Permissions(["--approval-mode", "auto-edit"]),
      unrestricted: Permissions(["--approval-mode", "yolo"]),
      transientPatterns: ["resource_exhausted"]),
    // Amp: `--execute` with the prompt piped on stdin, `--stream-json` in claude's shape,
    // `threads continue ID` resumes. No model flag (amp picks models by `--mode`; put one in
    // extraArgs). Without `--dangerously-allow-all`, actions its rules would ask about are
    // refused. The resume form is from third-party integrations, not verified.
    ExecutorSpec(
      name: "amp", program: "amp", output: .claude, prompt: .stdin,
      installHint: "npm install -g @sourcegraph/amp",
      arguments: [
        ["threads", "continue", "{session}"], ["--execute"], ["--stream-json"], ["{permissions}"],
        ["{extra}"],
      ],
      unrestricted: Permissions(["--dangerously-allow-all"])),
    // GitHub Copilot CLI (docs.github.com cli-programmatic-reference): `-p PROMPT`, `-s` prints
    // only the answer; `--allow-tool=write` lets it edit files without approval, other tools
    // are refused headless. Plain output, and no session id to resume with.
    ExecutorSpec(
      name: "copilot", program: "copilot", output: .plain, prompt: .argument,
      installHint: "npm install -g @github/copilot",
      arguments: [["-p", "{prompt}"], ["-s"], ["{permissions}"], ["--model", "{model}"], ["{extra}"]],
      safe: Permissions(["--allow-tool=write"]),
      unrestricted: Permissions(["--allow-all-tools"])),
  ]

  /// The built-in executor with this name.
  public static func builtIn(named name: String) -> ExecutorSpec? {
    builtIn.first { $0.name == name }
  }

  /// The argv and environment for one run. `promptFile` holds the prompt (for stdin and file
  /// delivery), `prompt` is its text (for argument delivery). An empty model counts as none; a
  /// session id that could be read as an option or holds odd characters is not resumed.
  public func invocation(
    prompt: String, promptFile: String, model: String?, resumeSession: String?, unrestricted: Bool,
    extraArguments: [String]
  ) -> AgentInvocation {
    var values: [String: String] = [:]
    if let model, !model.isEmpty { values["model"] = model }
    if supportsResume, let resumeSession, Self.isValidSession(resumeSession) {
      values["session"] = resumeSession
    }
    values["prompt_file"] = promptFile
    values["prompt"] = prompt
    let permissions = unrestricted ? self.unrestricted : safe

    var arguments = [program]
    var placedExtra = false
    var placedPrompt = false
    let promptPlaceholder = self.prompt == .argument ? "{prompt}" : "{prompt_file}"
    groups: for group in self.arguments {
      var expanded: [String] = []
      var hasExtra = false
      var hasPrompt = false
      for element in group {
        switch element {
        case "{permissions}": expanded += permissions.arguments
        case "{extra}":
          expanded += extraArguments
          hasExtra = true
        default:
          guard let value = Self.substitute(element, values) else { continue groups }
          hasPrompt = hasPrompt || element.contains(promptPlaceholder)
          expanded.append(value)
        }
      }
      arguments += expanded
      placedExtra = placedExtra || hasExtra
      placedPrompt = placedPrompt || hasPrompt
    }
    if !placedExtra { arguments += extraArguments }
    switch self.prompt {
    case .stdin: break
    case .file: if !placedPrompt { arguments.append(promptFile) }
    case .argument: if !placedPrompt { arguments.append(prompt) }
    }
    return AgentInvocation(
      arguments: arguments, promptOnStdin: self.prompt == .stdin, environment: permissions.environment)
  }

  /// Replaces each known `{name}` in one pass (a value is never expanded again, so a prompt
  /// that mentions `{model}` stays as written); nil when a placeholder has no value.
  static func substitute(_ element: String, _ values: [String: String]) -> String? {
    guard element.contains("{") else { return element }
    let known = ["model", "session", "prompt_file", "prompt"]
    var out = ""
    var rest = Substring(element)
    while let open = rest.firstIndex(of: "{") {
      out += rest[..<open]
      let after = rest[rest.index(after: open)...]
      if let close = after.firstIndex(of: "}"), known.contains(String(after[..<close])) {
        guard let value = values[String(after[..<close])] else { return nil }
        out += value
        rest = after[after.index(after: close)...]
      } else {
        out += "{"
        rest = after
      }
    }
    return out + rest
  }

  /// A session id as CLIs print them (UUIDs, `ses_…`, thread names): letters, digits and
  /// `._:-`, not starting with `-` (so it can never pass for an option), at most 128 long.
  public static func isValidSession(_ session: String) -> Bool {
    guard !session.isEmpty, session.utf8.count <= 128, session.first != "-" else { return false }
    return session.utf8.allSatisfy { byte in
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
        UInt8(ascii: "-"):
        return true
      default: return false
      }
    }
  }

  /// Whether a failed run looks worth retrying: killed by a signal (pass 128 + the signal, as
  /// a shell reports it; a run git-draft stopped itself is not for this question), or error text
  /// (standard error, the CLI's reported error, the last output) that reads like a rate limit,
  /// an overloaded or failing server (5xx) or a network fault. A spent usage quota or billing
  /// problem is not transient: retrying in seconds cannot help.
  public func isTransientFailure(exitStatus: Int32, errorText: String) -> Bool {
    if exitStatus == 0 { return false }
    // Only the end matters, and it bounds the work on a huge transcript.
    let text = String(decoding: errorText.utf8.suffix(64 << 10), as: UTF8.self).lowercased()
    if Self.permanentPatterns.contains(where: text.contains) { return false }
    if exitStatus > 128 && exitStatus <= 128 + 64 { return true }
    if Self.transientPatterns.contains(where: text.contains) { return true }
    if transientPatterns.contains(where: { text.contains($0.lowercased()) }) { return true }
    return Self.mentionsTransientStatus(text)
  }

  static let transientPatterns = [
    "rate limit", "rate_limit", "ratelimit", "too many requests", "overloaded", "resource_exhausted",
    "resource exhausted", "internal server error", "service unavailable", "temporarily unavailable",
    "bad gateway", "gateway timeout", "upstream connect error", "connection reset", "connection refused",
    "connection closed", "econnreset", "econnrefused", "etimedout", "eai_again", "socket hang up",
    "network error", "fetch failed", "timed out",
  ]

  static let permanentPatterns = [
    "usage limit", "insufficient_quota", "exceeded your current quota", "credit balance is too low",
    "billing",
  ]

  /// An HTTP status 429, 500, 502, 503, 504 or 529 standing alone as a number and named as a
  /// status ("status: 429", "API Error: 529", "HTTP 503", `"statusCode":429`), so a count of
  /// 14290 tokens is not mistaken for one.
  static func mentionsTransientStatus(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    let codes: [[UInt8]] = ["429", "500", "502", "503", "504", "529"].map { Array($0.utf8) }
    let cues = ["status", "code", "http", "error", "api"].map { Array($0.utf8) }
    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    var index = 0
    while index + 3 <= bytes.count {
      defer { index += 1 }
      guard isDigit(bytes[index]), index == 0 || !isDigit(bytes[index - 1]) else { continue }
      guard index + 3 == bytes.count || !isDigit(bytes[index + 3]) else { continue }
      guard codes.contains(where: { $0[...] == bytes[index..<index + 3] }) else { continue }
      let before = bytes[max(0, index - 20)..<index]
      for cue in cues {
        if before.count >= cue.count,
          (0...(before.count - cue.count)).contains(where: { offset in
            let start = before.startIndex + offset
            return before[start..<start + cue.count].elementsEqual(cue)
          })
        {
          return true
        }
      }
    }
    return false
  }
}
