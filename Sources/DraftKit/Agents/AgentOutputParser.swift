import FoundationEssentials

/// Reads an agent CLI's output line by line and turns it into `AgentEvent`s.
///
/// The output is untrusted bytes: a line that is not the JSON expected becomes `.output`, no
/// line ever throws, strings kept are bounded and cleaned of control characters (see
/// `AgentText`), and lines over `maximumLineBytes` are not decoded. Usage events carry running
/// totals. Call `finish()` at the end of the stream for text still held back (Gemini streams
/// its answer in pieces).
public struct AgentOutputParser: Sendable {
  public let format: AgentOutputFormat
  /// Paths under this directory are reported relative to it.
  public var workingDirectory: String?

  /// Longer lines are shown cut, never decoded.
  public static let maximumLineBytes = 8 << 20
  /// Ids remembered per run (message ids, tool ids); beyond this they are no longer tracked.
  static let maximumTracked = 100_000

  private var session: String?
  private var model: String?
  private var inputTokens = 0
  private var outputTokens = 0
  private var cost = 0.0
  /// Claude: message ids whose usage was counted (one API message spans several lines).
  private var countedMessages: Set<String> = []
  /// Tool call id → the path it edits, reported once the call succeeds.
  private var pendingEdits: [String: String] = [:]
  /// Tool call ids already counted (codex, cursor, opencode report a call more than once).
  private var seenTools: Set<String> = []
  /// Gemini: assistant text streamed in pieces, not yet shown.
  private var pendingText = ""

  public init(format: AgentOutputFormat, workingDirectory: String? = nil) {
    self.format = format
    self.workingDirectory = workingDirectory
  }

  /// The events one line of output stands for; none for blank lines and for JSON of kinds
  /// that carry nothing to show.
  public mutating func parse(line: String) -> [AgentEvent] {
    var line = Substring(line)
    while let last = line.last, last == "\r" || last == "\n" { line.removeLast() }
    if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return [] }
    let text = line
    // A cut line keeps one byte more than fits, so cleaning marks the cut.
    func shown() -> [AgentEvent] {
      [
        .output(
          AgentText.clean(String(text.prefix(AgentText.messageBytes + 1)), limit: AgentText.messageBytes))
      ]
    }
    if format == .plain { return shown() }
    guard line.utf8.count <= Self.maximumLineBytes, line.first == "{",
      let object = try? JSONDecoder().decode(JSON.self, from: Data(line.utf8)), case .object = object,
      let type = object["type"]?.string
    else { return shown() }
    switch format {
    case .claude, .cursor: return claude(type, object)
    case .codex: return codex(type, object)
    case .gemini: return gemini(type, object)
    case .opencode: return opencode(type, object)
    case .plain: return []
    }
  }

  /// Events still held back when the output ends.
  public mutating func finish() -> [AgentEvent] {
    flushText()
  }

  // MARK: Claude Code, Qwen Code, Amp, cursor-agent

  private mutating func claude(_ type: String, _ object: JSON) -> [AgentEvent] {
    var events: [AgentEvent] = []
    switch type {
    case "system":
      let subtype = object["subtype"]?.string
      guard subtype == "init" || subtype == "session_start" else { break }
      events += started(session: object["session_id"]?.string, model: object["model"]?.string)
    case "assistant":
      events += started(session: object["session_id"]?.string, model: nil)
      let body = object["message"]
      for block in body?["content"]?.array ?? [] {
        switch block["type"]?.string {
        case "text":
          if let text = block["text"]?.string.map(message(_:)), !text.isEmpty {
            events.append(.message(text))
          }
        case "tool_use":
          guard let name = block["name"]?.string else { continue }
          let input = block["input"]
          events.append(tool(name, input))
          if Self.isEditTool(name), let path = Self.editedPath(input), let id = block["id"]?.string {
            track(edit: path, id: id)
          }
        default: break
        }
      }
      if let usage = body?["usage"], let id = body?["id"]?.string, !countedMessages.contains(id) {
        if countedMessages.count < Self.maximumTracked { countedMessages.insert(id) }
        inputTokens += Self.claudeInput(usage) ?? 0
        outputTokens += usage["output_tokens"]?.int ?? 0
        events.append(.usage(inputTokens: inputTokens, outputTokens: outputTokens, costUSD: nil))
      }
    case "user":
      for block in object["message"]?["content"]?.array ?? [] where block["type"]?.string == "tool_result" {
        guard let id = block["tool_use_id"]?.string, let path = pendingEdits.removeValue(forKey: id) else {
          continue
        }
        if block["is_error"]?.bool != true { events.append(.fileChanged(path)) }
      }
    case "tool_call":
      events += cursorToolCall(object)
    case "result":
      events += started(session: object["session_id"]?.string, model: nil)
      let subtype = object["subtype"]?.string ?? ""
      let isError = object["is_error"]?.bool == true || subtype.hasPrefix("error")
      let usage = object["usage"]
      let input = usage.flatMap(Self.claudeInput)
      let output = usage?["output_tokens"]?.int
      let cost = object["total_cost_usd"]?.double ?? object["cost_usd"]?.double
      if input != nil || output != nil || cost != nil {
        if let input { inputTokens = input }
        if let output { outputTokens = output }
        events.append(.usage(inputTokens: input, outputTokens: output, costUSD: cost))
      }
      var text = object["result"]?.string
      if isError {
        let errors = object["errors"]?.array?.compactMap(\.string).joined(separator: "; ")
        text =
          [text, object["error"]?.string, errors].compactMap { $0 }.first { !$0.isEmpty }
          ?? (subtype.isEmpty ? nil : subtype)
      }
      events.append(.finished(message: text.map(message(_:)), isError: isError))
    default:
      break
    }
    return events
  }

  /// Claude counts cache writes and reads apart from `input_tokens`; all of them are input.
  private static func claudeInput(_ usage: JSON) -> Int? {
    let parts = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"].compactMap {
      usage[$0]?.int
    }
    return parts.isEmpty ? nil : parts.reduce(0, Self.add)
  }

  /// cursor-agent: `{"type":"tool_call","subtype":"started","call_id":…,"tool_call":
  /// {"writeToolCall":{"args":{"path":…},"result":{"success":{…}}}}}`.
  private mutating func cursorToolCall(_ object: JSON) -> [AgentEvent] {
    guard case .object(let calls) = object["tool_call"], let (key, call) = calls.min(by: { $0.key < $1.key })
    else { return [] }
    var name = key.hasSuffix("ToolCall") ? String(key.dropLast("ToolCall".count)) : key
    if key == "function", let function = call["name"]?.string { name = function }
    let args = call["args"] ?? call["arguments"]
    let id = object["call_id"]?.string ?? ""
    var events: [AgentEvent] = []
    if !id.isEmpty, seenTools.contains(id) {
      // Already counted when it started.
    } else {
      if !id.isEmpty, seenTools.count < Self.maximumTracked { seenTools.insert(id) }
      events.append(tool(name, args))
    }
    let lowered = name.lowercased()
    if object["subtype"]?.string == "completed",
      lowered.contains("write") || lowered.contains("edit") || lowered.contains("replace")
        || lowered.contains("delete"),
      let path = Self.editedPath(args)
    {
      let result = call["result"]
      let failed = result?["error"] != nil || result?["rejected"] != nil || result?["failure"] != nil
      if !failed { events.append(.fileChanged(relative(path))) }
    }
    return events
  }

  // MARK: Codex

  private mutating func codex(_ type: String, _ object: JSON) -> [AgentEvent] {
    switch type {
    case "thread.started":
      return started(session: object["thread_id"]?.string, model: nil)
    case "item.started", "item.updated", "item.completed":
      guard let item = object["item"], let kind = item["type"]?.string else { return [] }
      let completed = type == "item.completed"
      let id = item["id"]?.string ?? ""
      var events: [AgentEvent] = []
      switch kind {
      case "agent_message":
        if completed, let text = item["text"]?.string.map(message(_:)), !text.isEmpty {
          events.append(.message(text))
        }
      case "command_execution":
        events += codexTool(id, "shell", detail: item["command"]?.string)
      case "mcp_tool_call":
        let name = [item["server"]?.string, item["tool"]?.string].compactMap { $0 }.joined(separator: ".")
        events += codexTool(id, name.isEmpty ? "mcp" : name, detail: nil)
      case "web_search":
        events += codexTool(id, "web_search", detail: item["query"]?.string)
      case "file_change":
        let paths = (item["changes"]?.array ?? []).compactMap { $0["path"]?.string }.map(relative)
        let detail = paths.first.map { paths.count > 1 ? "\($0) (+\(paths.count - 1))" : $0 }
        events += codexTool(id, "apply_patch", detail: detail)
        if completed, item["status"]?.string != "failed" {
          events += paths.map { .fileChanged($0) }
        }
      case "error":
        if completed, let text = item["message"]?.string {
          events.append(.output("warning: " + message(text)))
        }
      default:
        break
      }
      return events
    case "turn.completed":
      let usage = object["usage"]
      // OpenAI counts cached input inside input_tokens and reasoning inside output_tokens.
      inputTokens = Self.add(inputTokens, usage?["input_tokens"]?.int ?? 0)
      outputTokens = Self.add(outputTokens, usage?["output_tokens"]?.int ?? 0)
      return [
        .usage(inputTokens: inputTokens, outputTokens: outputTokens, costUSD: nil),
        .finished(message: nil, isError: false),
      ]
    case "turn.failed":
      let text = object["error"]?["message"]?.string.map(message(_:))
      return [.finished(message: text ?? "the turn failed", isError: true)]
    case "error":
      return [.error(message(object["message"]?.string ?? "codex reported an error"))]
    default:
      return []
    }
  }

  /// A codex tool item, counted once across its started/updated/completed lines.
  private mutating func codexTool(_ id: String, _ name: String, detail: String?) -> [AgentEvent] {
    if !id.isEmpty {
      if seenTools.contains(id) { return [] }
      if seenTools.count < Self.maximumTracked { seenTools.insert(id) }
    }
    return [
      .tool(
        name: AgentText.clean(name, limit: AgentText.nameBytes, singleLine: true),
        detail: detail.map(Self.detail))
    ]
  }

  // MARK: Gemini CLI

  private mutating func gemini(_ type: String, _ object: JSON) -> [AgentEvent] {
    if type == "message" {
      guard object["role"]?.string == "assistant", let content = object["content"]?.string else { return [] }
      if object["delta"]?.bool == true {
        if pendingText.utf8.count < 2 * AgentText.messageBytes { pendingText += content }
        return []
      }
      pendingText = ""
      let text = message(content)
      return text.isEmpty ? [] : [.message(text)]
    }
    var events = flushText()
    switch type {
    case "init":
      events += started(session: object["session_id"]?.string, model: object["model"]?.string)
    case "tool_use":
      guard let name = object["tool_name"]?.string else { break }
      let parameters = object["parameters"]
      events.append(tool(name, parameters))
      if Self.isEditTool(name), let path = Self.editedPath(parameters), let id = object["tool_id"]?.string {
        track(edit: path, id: id)
      }
    case "tool_result":
      if let id = object["tool_id"]?.string, let path = pendingEdits.removeValue(forKey: id),
        object["status"]?.string != "error"
      {
        events.append(.fileChanged(path))
      }
    case "error":
      let text = message(object["message"]?.string ?? "gemini reported an error")
      events.append(object["severity"]?.string == "warning" ? .output("warning: " + text) : .error(text))
    case "result":
      let stats = object["stats"]
      let input = stats?["input_tokens"]?.int
      let output = stats?["output_tokens"]?.int
      if input != nil || output != nil {
        events.append(.usage(inputTokens: input, outputTokens: output, costUSD: nil))
      }
      let isError = object["status"]?.string == "error"
      let text = object["error"]?["message"]?.string.map(message(_:))
      events.append(
        .finished(message: isError ? (text ?? "gemini reported an error") : nil, isError: isError))
    default:
      break
    }
    return events
  }

  private mutating func flushText() -> [AgentEvent] {
    guard !pendingText.isEmpty else { return [] }
    let text = message(pendingText)
    pendingText = ""
    return text.isEmpty ? [] : [.message(text)]
  }

  // MARK: opencode

  private mutating func opencode(_ type: String, _ object: JSON) -> [AgentEvent] {
    var events = started(session: object["sessionID"]?.string, model: nil)
    let part = object["part"]
    switch type {
    case "text":
      if let text = part?["text"]?.string.map(message(_:)), !text.isEmpty { events.append(.message(text)) }
    case "tool_use":
      guard let name = part?["tool"]?.string else { break }
      let state = part?["state"]
      let input = state?["input"]
      let id = part?["callID"]?.string ?? part?["id"]?.string ?? ""
      if id.isEmpty || !seenTools.contains(id) {
        if !id.isEmpty, seenTools.count < Self.maximumTracked { seenTools.insert(id) }
        events.append(tool(name, input))
      }
      if state?["status"]?.string == "completed", Self.isEditTool(name), let path = Self.editedPath(input) {
        events.append(.fileChanged(relative(path)))
      }
    case "step_finish":
      let tokens = part?["tokens"]
      let cache = tokens?["cache"]
      // opencode counts cache reads and writes apart from input, reasoning apart from output.
      let input = [tokens?["input"]?.int, cache?["read"]?.int, cache?["write"]?.int].compactMap { $0 }
      let output = [tokens?["output"]?.int, tokens?["reasoning"]?.int].compactMap { $0 }
      let stepCost = part?["cost"]?.double
      inputTokens = Self.add(inputTokens, input.reduce(0, Self.add))
      outputTokens = Self.add(outputTokens, output.reduce(0, Self.add))
      if let stepCost, stepCost.isFinite, stepCost >= 0 { cost += stepCost }
      if !input.isEmpty || !output.isEmpty || stepCost != nil {
        events.append(
          .usage(
            inputTokens: inputTokens, outputTokens: outputTokens,
            costUSD: stepCost == nil && cost == 0 ? nil : cost))
      }
      if part?["reason"]?.string == "stop" { events.append(.finished(message: nil, isError: false)) }
    case "error":
      let error = object["error"]
      let text =
        error?["data"]?["message"]?.string ?? error?["message"]?.string ?? error?.string ?? object["message"]?
        .string
        ?? error?["name"]?.string ?? "opencode reported an error"
      events.append(.error(message(text)))
    default:
      break
    }
    return events
  }

  // MARK: Shared

  /// `.started` when the session or model is new; an id that could not be a session id is
  /// dropped (it would later be passed back as an argument).
  private mutating func started(session: String?, model: String?) -> [AgentEvent] {
    let session = session.flatMap { ExecutorSpec.isValidSession($0) ? $0 : nil }
    let model = model.map { AgentText.clean($0, limit: AgentText.identifierBytes, singleLine: true) }
      .flatMap { $0.isEmpty ? nil : $0 }
    let newSession = session != nil && session != self.session
    let newModel = model != nil && model != self.model
    guard newSession || newModel else { return [] }
    if newSession { self.session = session }
    if newModel { self.model = model }
    return [.started(session: newSession ? session : nil, model: newModel ? model : nil)]
  }

  private func tool(_ name: String, _ input: JSON?) -> AgentEvent {
    let detail = Self.toolDetail(input).map { relative(Self.detail($0)) }
    return .tool(name: AgentText.clean(name, limit: AgentText.nameBytes, singleLine: true), detail: detail)
  }

  private mutating func track(edit path: String, id: String) {
    if pendingEdits.count < Self.maximumTracked { pendingEdits[id] = relative(path) }
  }

  private func message(_ text: String) -> String {
    AgentText.clean(text, limit: AgentText.messageBytes)
  }

  private static func detail(_ text: String) -> String {
    AgentText.clean(text, limit: AgentText.detailBytes, singleLine: true)
  }

  /// A path shown relative to the working directory when it lies inside it.
  private func relative(_ path: String) -> String {
    var path = AgentText.clean(path, limit: AgentText.pathBytes, singleLine: true)
    if let directory = workingDirectory, !directory.isEmpty {
      let prefix = directory.hasSuffix("/") ? directory : directory + "/"
      if path.hasPrefix(prefix), path.count > prefix.count { path.removeFirst(prefix.count) }
    }
    while path.hasPrefix("./") { path.removeFirst(2) }
    return path
  }

  /// The most telling input of a tool call: its command, path, pattern, ...
  private static func toolDetail(_ input: JSON?) -> String? {
    guard let input else { return nil }
    if case .string(let text) = input { return text }
    for key in [
      "command", "cmd", "file_path", "filePath", "absolute_path", "notebook_path", "path", "pattern", "query",
      "url",
      "description", "prompt",
    ] {
      if let value = input[key]?.string, !value.isEmpty { return value }
      if let values = input[key]?.array?.compactMap(\.string), !values.isEmpty {
        return values.joined(separator: " ")
      }
    }
    return nil
  }

  static let editTools: Set<String> = [
    "edit", "multiedit", "multi_edit", "write", "notebookedit", "write_file", "replace", "edit_file",
    "create_file", "apply_patch", "patch", "str_replace", "str_replace_based_edit_tool", "create",
    "delete_file",
  ]

  private static func isEditTool(_ name: String) -> Bool { editTools.contains(name.lowercased()) }

  private static func editedPath(_ input: JSON?) -> String? {
    for key in ["file_path", "filePath", "notebook_path", "absolute_path", "path"] {
      if let path = input?[key]?.string, !path.isEmpty { return path }
    }
    return nil
  }

  /// Sums without trapping on absurd counts from a hostile stream.
  private static func add(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : sum
  }
}

/// A JSON value, decoded without a schema: agent CLIs add fields and event kinds freely.
enum JSON: Decodable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSON])
  case object([String: JSON])

  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([String: JSON].self) {
      self = .object(value)
    } else {
      self = .array(try container.decode([JSON].self))
    }
  }

  subscript(key: String) -> JSON? {
    if case .object(let fields) = self { return fields[key] }
    return nil
  }

  var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  var bool: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  var double: Double? {
    if case .number(let value) = self, value.isFinite { return value }
    return nil
  }

  /// A whole, non-negative count; other numbers are not counts.
  var int: Int? {
    guard case .number(let value) = self, value.isFinite, value >= 0 else { return nil }
    return value >= 9.2e18 ? Int.max : Int(value)
  }

  var array: [JSON]? {
    if case .array(let values) = self { return values }
    return nil
  }
}
