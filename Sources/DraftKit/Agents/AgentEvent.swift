/// What a coding agent did, normalized from whichever CLI ran it. The parsers make these from
/// the CLI's structured output; the terminal view shows them, `--json` prints them as JSON Lines,
/// and `AgentTally` adds them up into what a revision records.
public enum AgentEvent: Sendable, Equatable {
  /// The session began (or its id became known). Either value may be missing.
  case started(session: String?, model: String?)
  /// Assistant text.
  case message(String)
  /// A tool call: its name and a short detail (the command, the path).
  case tool(name: String, detail: String?)
  /// A path the agent edited or wrote, when the CLI says so.
  case fileChanged(String)
  /// Totals so far (cumulative, not increments), as far as the CLI reports them.
  case usage(inputTokens: Int?, outputTokens: Int?, costUSD: Double?)
  /// The CLI's final result: claude's `result`, codex's `turn.completed`/`turn.failed`, ...
  case finished(message: String?, isError: Bool)
  case error(String)
  /// A line of plain output (plain executors, or a line that was not the expected JSON).
  case output(String)

  /// The event as one compact JSON object, e.g. `{"type":"tool","name":"Edit","detail":"a.swift"}`.
  /// Missing values are left out rather than written as null.
  public var jsonLine: String {
    var fields: [(String, JSONValue)] = []
    func add(_ key: String, _ value: String?) {
      if let value { fields.append((key, .string(value))) }
    }
    switch self {
    case .started(let session, let model):
      fields.append(("type", .string("started")))
      add("session", session)
      add("model", model)
    case .message(let text):
      fields = [("type", .string("message")), ("text", .string(text))]
    case .tool(let name, let detail):
      fields = [("type", .string("tool")), ("name", .string(name))]
      add("detail", detail)
    case .fileChanged(let path):
      fields = [("type", .string("file")), ("path", .string(path))]
    case .usage(let input, let output, let cost):
      fields = [("type", .string("usage"))]
      if let input { fields.append(("input_tokens", .int(input))) }
      if let output { fields.append(("output_tokens", .int(output))) }
      if let cost, let number = JSONValue.number(cost) { fields.append(("cost_usd", number)) }
    case .finished(let message, let isError):
      fields = [("type", .string("finished"))]
      add("message", message)
      fields.append(("is_error", .bool(isError)))
    case .error(let message):
      fields = [("type", .string("error")), ("message", .string(message))]
    case .output(let text):
      fields = [("type", .string("output")), ("text", .string(text))]
    }
    return JSONValue.object(fields).serialized()
  }
}

/// Everything a revision records about an agent run, accumulated from its events.
public struct AgentTally: Sendable, Equatable {
  public var session: String?
  public var model: String?
  public var inputTokens: Int?
  public var outputTokens: Int?
  public var costUSD: Double?
  /// The last assistant message, or the final result's text.
  public var finalMessage: String?
  /// Unique, in the order first seen.
  public var filesChanged: [String] = []
  public var toolCalls = 0
  /// What the CLI itself reported as an error (claude's `is_error` result, codex's
  /// `turn.failed`, ...). A later successful finish clears it: the final outcome wins.
  public var reportedError: String?

  /// More paths than this are not listed (an agent that rewrote a whole tree).
  public static let maximumFiles = 10_000

  public init() {}

  public mutating func add(_ event: AgentEvent) {
    switch event {
    case .started(let session, let model):
      if let session { self.session = session }
      if let model { self.model = model }
    case .message(let text):
      finalMessage = text
    case .tool:
      toolCalls += 1
    case .fileChanged(let path):
      if filesChanged.count < Self.maximumFiles && !filesChanged.contains(path) { filesChanged.append(path) }
    case .usage(let input, let output, let cost):
      if let input { inputTokens = input }
      if let output { outputTokens = output }
      if let cost { costUSD = cost }
    case .finished(let message, let isError):
      if let message { finalMessage = message }
      reportedError = isError ? (message ?? "the agent reported an error") : nil
    case .error(let message):
      reportedError = message
    case .output:
      break
    }
  }

  public mutating func add(_ events: [AgentEvent]) {
    for event in events { add(event) }
  }
}

/// Bounds and cleaning for text taken from an agent's output, which is untrusted: it can be
/// huge, and it can hold terminal escape sequences meant to rewrite what a person sees.
enum AgentText {
  static let messageBytes = 4096
  static let detailBytes = 500
  static let nameBytes = 200
  static let pathBytes = 1024
  static let identifierBytes = 256

  /// At most `limit` bytes of UTF-8 (cut on a scalar boundary, "…" marking the cut), without
  /// control characters: C0 (newlines and tabs are kept unless `singleLine`, which turns them
  /// into spaces), DEL and C1. Surrounding whitespace is trimmed.
  static func clean(_ text: String, limit: Int, singleLine: Bool = false) -> String {
    var out = String.UnicodeScalarView()
    var bytes = 0
    var truncated = false
    for var scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x0A, 0x09:
        if singleLine { scalar = " " }
      case 0..<0x20, 0x7F, 0x80..<0xA0:
        continue
      default:
        break
      }
      let size = UTF8.width(scalar)
      if bytes + size > limit {
        truncated = true
        break
      }
      bytes += size
      out.append(scalar)
    }
    if truncated {
      while bytes > limit - 3, let last = out.popLast() { bytes -= UTF8.width(last) }
    }
    let result = String(out).trimmingWhitespace()
    return truncated ? result + "…" : result
  }
}

extension String {
  fileprivate func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
    return String(scalars[first...last])
  }
}
