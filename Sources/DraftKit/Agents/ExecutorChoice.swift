import GitKit
import Glibc

/// An executor ready to run: its spec, the user's model and extra arguments for it, and the
/// program's absolute path.
public struct ResolvedExecutor: Sendable, Equatable {
  public var spec: ExecutorSpec
  public var model: String?
  public var extraArguments: [String]
  /// Absolute path of the program found.
  public var program: String

  public init(spec: ExecutorSpec, model: String?, extraArguments: [String], program: String) {
    self.spec = spec
    self.model = model
    self.extraArguments = extraArguments
    self.program = program
  }

  /// The spec's invocation with this executor's model and extra arguments, starting with the
  /// program's absolute path.
  public func invocation(prompt: String, promptFile: String, resumeSession: String?, unrestricted: Bool)
    -> AgentInvocation
  {
    var invocation = spec.invocation(
      prompt: prompt, promptFile: promptFile, model: model, resumeSession: resumeSession,
      unrestricted: unrestricted, extraArguments: extraArguments)
    invocation.arguments[0] = program
    return invocation
  }
}

/// Executors in git configuration. Every key is per executor name:
///
///     draft.executor                      the executor to use (the `--executor` flag wins)
///     draft.executor.NAME.command         the program (on PATH, or a path). For a built-in
///                                         name it only replaces the program (a wrapper, an
///                                         absolute path); for any other name it defines an
///                                         executor of its own
///     draft.executor.NAME.args            (multi-valued) its arguments, one per value, with
///                                         {prompt_file}, {prompt}, {model} and {session}
///                                         placeholders; an argument whose placeholder has no
///                                         value is left out, with the option just before it
///     draft.executor.NAME.format          claude, cursor, codex, gemini, opencode or plain
///                                         (default plain): which output parser reads it
///     draft.executor.NAME.prompt          stdin (default), file or argument
///     draft.executor.NAME.model           the model to ask for (built-ins too)
///     draft.executor.NAME.extraArgs       (multi-valued) arguments added to every run
///                                         (built-ins too)
///
/// A user-defined executor gets no permission arguments: its `args` say everything.
extension ExecutorSpec {
  /// Chooses the executor: `requested` (the `--executor` flag), else git config
  /// `draft.executor`, else `teamDefault` (the team's committed setting), else the first
  /// built-in whose program is on `path` (the PATH value; nil reads this process's PATH).
  public static func choose(
    requested: String?, configuration: Configuration, path: String?, teamDefault: String? = nil
  ) throws -> ResolvedExecutor {
    let searchPath = path ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
    let named =
      try nonEmpty(requested) ?? git { try nonEmpty(configuration.string("draft.executor")) }
      ?? nonEmpty(teamDefault)
    if let name = named {
      let (spec, model, extra) = try configured(name, configuration)
      guard let program = findProgram(spec.program, path: searchPath) else {
        if builtIn(named: name) != nil && spec.program == name {
          throw DraftError(
            .notFound,
            "\(name) is not installed (no '\(name)' on PATH); install it with: \(spec.installHint), "
              + "or point git config draft.executor.\(name).command at it")
        }
        throw DraftError(
          .notFound,
          "executor '\(name)': no program '\(spec.program)' found (git config draft.executor.\(name).command)"
        )
      }
      return ResolvedExecutor(spec: spec, model: model, extraArguments: extra, program: program)
    }
    for candidate in builtIn {
      let (spec, model, extra) = try configured(candidate.name, configuration)
      if let program = findProgram(spec.program, path: searchPath) {
        return ResolvedExecutor(spec: spec, model: model, extraArguments: extra, program: program)
      }
    }
    let hints = builtIn.map { "\($0.name): \($0.installHint)" }.joined(separator: "; ")
    throw DraftError(
      .notFound,
      "no coding agent found on PATH; install one (\(hints)) or set git config draft.executor.NAME.command")
  }

  /// The executor called `name` with the user's configuration applied, and its model and extra
  /// arguments.
  static func configured(_ name: String, _ configuration: Configuration) throws -> (
    ExecutorSpec, String?, [String]
  ) {
    guard isValidName(name) else {
      throw DraftError(
        .invalidInput,
        "'\(name)' is not an executor name (letters, digits, '-' and '_', starting with a letter)")
    }
    let key = "draft.executor.\(name)."
    let (command, model, extra) = try git {
      (
        try nonEmpty(configuration.string(key + "command")),
        try nonEmpty(configuration.string(key + "model")),
        try configuration.strings(key + "extraArgs")
      )
    }
    if var spec = builtIn(named: name) {
      if let command { spec.program = command }
      return (spec, model, extra)
    }
    guard let command else {
      let names = builtIn.map(\.name).joined(separator: ", ")
      throw DraftError(
        .invalidInput,
        "unknown executor '\(name)'; built in: \(names); or define one with git config draft.executor.\(name).command PROGRAM"
      )
    }
    let (arguments, formatText, promptText) = try git {
      (
        try configuration.strings(key + "args"), try configuration.string(key + "format"),
        try configuration.string(key + "prompt")
      )
    }
    var output = AgentOutputFormat.plain
    if let formatText {
      guard let format = AgentOutputFormat(rawValue: formatText) else {
        let formats = AgentOutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
        throw DraftError(.invalidInput, "\(key)format is '\(formatText)'; it must be one of \(formats)")
      }
      output = format
    }
    var prompt = PromptDelivery.stdin
    if let promptText {
      guard let delivery = PromptDelivery(rawValue: promptText) else {
        throw DraftError(.invalidInput, "\(key)prompt is '\(promptText)'; it must be stdin, file or argument")
      }
      prompt = delivery
    }
    let spec = ExecutorSpec(
      name: name, program: command, output: output, prompt: prompt,
      installHint: "git config \(key)command PROGRAM", arguments: groups(arguments))
    return (spec, model, extra)
  }

  /// A user's arguments as template groups: each alone, except an option directly followed by
  /// a value with a placeholder (`--model`, `{model}`), which is kept or left out with it.
  static func groups(_ arguments: [String]) -> [[String]] {
    func hasPlaceholder(_ text: String) -> Bool {
      ["{model}", "{session}", "{prompt_file}", "{prompt}"].contains(where: text.contains)
    }
    var groups: [[String]] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument.hasPrefix("-"), !argument.contains("="), !hasPlaceholder(argument),
        index + 1 < arguments.count,
        hasPlaceholder(arguments[index + 1]), !arguments[index + 1].hasPrefix("-")
      {
        groups.append([argument, arguments[index + 1]])
        index += 2
      } else {
        groups.append([argument])
        index += 1
      }
    }
    return groups
  }

  /// Letters, digits, `-` and `_`, starting with a letter: safe inside a git config key.
  static func isValidName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first.isASCIILetter, name.utf8.count <= 64 else {
      return false
    }
    return name.unicodeScalars.allSatisfy {
      $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
    }
  }

  /// The absolute path of an executable `program`: itself when it holds a slash (made absolute
  /// against the current directory), else the first match in `path`'s directories. Empty
  /// entries (which would mean the current directory) are skipped.
  static func findProgram(_ program: String, path: String) -> String? {
    if program.isEmpty { return nil }
    if program.contains("/") {
      var absolute = program
      if !program.hasPrefix("/"), let cwd = currentDirectory() { absolute = cwd + "/" + program }
      return isExecutableFile(absolute) ? absolute : nil
    }
    for directory in path.split(separator: ":", omittingEmptySubsequences: true)
    where directory.hasPrefix("/") {
      let candidate = String(directory) + (directory.hasSuffix("/") ? "" : "/") + program
      if isExecutableFile(candidate) { return candidate }
    }
    return nil
  }

  private static func isExecutableFile(_ path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFREG) else { return false }
    return access(path, X_OK) == 0
  }

  private static func currentDirectory() -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  private static func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
  }
}

extension Unicode.Scalar {
  fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
