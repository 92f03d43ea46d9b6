import DraftKit
import Foundation
import Testing

/// Feeds lines to a fresh parser and adds every event up.
private func run(_ format: AgentOutputFormat, _ lines: [String], in directory: String? = "/work/tree")
  -> (events: [AgentEvent], tally: AgentTally)
{
  var parser = AgentOutputParser(format: format, workingDirectory: directory)
  var events: [AgentEvent] = []
  for line in lines { events += parser.parse(line: line) }
  events += parser.finish()
  var tally = AgentTally()
  tally.add(events)
  return (events, tally)
}

@Suite struct AgentOutputTests {
  // MARK: Claude Code

  static let claude = [
    #"{"type":"system","subtype":"init","cwd":"/work/tree","session_id":"6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b","tools":["Bash","Edit","Read"],"mcp_servers":[],"model":"claude-sonnet-4-5-20250929","permissionMode":"acceptEdits","apiKeySource":"none"}"#,
    #"{"type":"assistant","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Reading the file first."}],"usage":{"input_tokens":4,"cache_creation_input_tokens":300,"cache_read_input_tokens":200,"output_tokens":1}},"session_id":"6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b"}"#,
    #"{"type":"assistant","message":{"id":"msg_01","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"Read","input":{"file_path":"/work/tree/src/a.swift"}}],"usage":{"input_tokens":4,"cache_creation_input_tokens":300,"cache_read_input_tokens":200,"output_tokens":1}},"session_id":"6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b"}"#,
    #"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_01","type":"tool_result","content":"     1\tlet a = 1\n"}]},"session_id":"6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b"}"#,
    #"{"type":"assistant","message":{"id":"msg_02","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_02","name":"Edit","input":{"file_path":"/work/tree/src/a.swift","old_string":"let a = 1","new_string":"let a = 2"}},{"type":"tool_use","id":"toolu_03","name":"Write","input":{"file_path":"/etc/passwd","content":"x"}}],"usage":{"input_tokens":500,"output_tokens":100}},"session_id":"6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b"}"#,
    #"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_02","type":"tool_result","content":"The file has been updated."},{"tool_use_id":"toolu_03","type":"tool_result","content":"Claude requested permissions to write to /etc/passwd, but you haven't granted it yet.","is_error":true}]},"session_id":"6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b"}"#,
    #"{"type":"assistant","message":{"id":"msg_03","type":"message","role":"assistant","content":[{"type":"text","text":"Changed a to 2."}],"usage":{"input_tokens":192,"output_tokens":244}},"session_id":"6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b"}"#,
    #"{"type":"result","subtype":"success","is_error":false,"duration_ms":3952,"duration_api_ms":12932,"num_turns":3,"result":"Changed a to 2.","session_id":"6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b","total_cost_usd":0.0123,"usage":{"input_tokens":700,"cache_creation_input_tokens":300,"cache_read_input_tokens":200,"output_tokens":345,"server_tool_use":{"web_search_requests":0},"service_tier":"standard"},"permission_denials":[]}"#,
  ]

  @Test func claudeStreamAddsUpToTheResult() {
    let (events, tally) = run(.claude, Self.claude)
    #expect(tally.session == "6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b")
    #expect(tally.model == "claude-sonnet-4-5-20250929")
    #expect(tally.inputTokens == 1200)
    #expect(tally.outputTokens == 345)
    #expect(tally.costUSD == 0.0123)
    #expect(tally.finalMessage == "Changed a to 2.")
    #expect(tally.filesChanged == ["src/a.swift"])
    #expect(tally.toolCalls == 3)
    #expect(tally.reportedError == nil)
    #expect(
      events.first
        == .started(session: "6c1f0e2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b", model: "claude-sonnet-4-5-20250929"))
    #expect(events.contains(.tool(name: "Read", detail: "src/a.swift")))
    #expect(events.last == .finished(message: "Changed a to 2.", isError: false))
  }

  @Test func claudeUsageRunsAsTotalsOncePerMessage() {
    let (events, _) = run(.claude, Self.claude)
    let usage = events.compactMap { event -> [Int?]? in
      if case .usage(let input, let output, _) = event { return [input, output] }
      return nil
    }
    // msg_01 spans two lines and counts once; the result's totals come last.
    #expect(usage == [[504, 1], [1004, 101], [1196, 345], [1200, 345]])
  }

  @Test func claudeErrorResultsAreReported() {
    let rateLimited = run(
      .claude,
      [
        #"{"type":"result","subtype":"success","is_error":true,"result":"API Error: 429 {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\"}}","session_id":"s-1","total_cost_usd":0,"usage":{"input_tokens":0,"output_tokens":0}}"#
      ]
    ).tally
    #expect(rateLimited.reportedError?.hasPrefix("API Error: 429") == true)
    #expect(rateLimited.session == "s-1")

    let maxTurns = run(
      .claude,
      [#"{"type":"result","subtype":"error_max_turns","is_error":false,"session_id":"s-2","num_turns":10}"#]
    ).tally
    #expect(maxTurns.reportedError == "error_max_turns")

    let errors = run(
      .claude,
      [#"{"type":"result","subtype":"error_during_execution","is_error":true,"errors":["boom","bang"]}"#]
    ).tally
    #expect(errors.reportedError == "boom; bang")
  }

  @Test func qwenAndAmpSessionsStartTheSameWay() {
    let qwen = run(
      .claude,
      [
        #"{"type":"system","subtype":"session_start","uuid":"u","session_id":"123e4567-e89b-12d3-a456-426614174000","model":"qwen3-coder-plus"}"#
      ]
    ).tally
    #expect(qwen.session == "123e4567-e89b-12d3-a456-426614174000")
    #expect(qwen.model == "qwen3-coder-plus")

    let amp = run(
      .claude,
      [
        #"{"type":"system","subtype":"init","session_id":"T-7f3a2b1c-0d9e-4f8a-b7c6-5d4e3f2a1b0c","tools":["edit_file"]}"#,
        #"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t1","name":"edit_file","input":{"path":"/work/tree/README.md"}}]}}"#,
        #"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}}"#,
        #"{"type":"result","subtype":"error_during_execution","is_error":true,"error":"Amp ran out of credits","session_id":"T-7f3a2b1c-0d9e-4f8a-b7c6-5d4e3f2a1b0c"}"#,
      ]
    ).tally
    #expect(amp.filesChanged == ["README.md"])
    #expect(amp.reportedError == "Amp ran out of credits")
  }

  // MARK: cursor-agent

  @Test func cursorToolCallsCountOnceAndReportWrites() {
    let (_, tally) = run(
      .cursor,
      [
        #"{"type":"system","subtype":"init","apiKeySource":"login","cwd":"/work/tree","session_id":"c6b62c6f-7ead-4fd6-9922-e952131177ff","model":"Claude 4 Sonnet","permissionMode":"default"}"#,
        #"{"type":"user","message":{"role":"user","content":[{"type":"text","text":"Add a line"}]},"session_id":"c6b62c6f-7ead-4fd6-9922-e952131177ff"}"#,
        #"{"type":"tool_call","subtype":"started","call_id":"toolu_vrtx_01","tool_call":{"shellToolCall":{"args":{"command":"ls -la"}}},"session_id":"c6b62c6f-7ead-4fd6-9922-e952131177ff"}"#,
        #"{"type":"tool_call","subtype":"completed","call_id":"toolu_vrtx_01","tool_call":{"shellToolCall":{"args":{"command":"ls -la"},"result":{"success":{"exitCode":0}}}},"session_id":"c6b62c6f-7ead-4fd6-9922-e952131177ff"}"#,
        #"{"type":"tool_call","subtype":"started","call_id":"toolu_vrtx_02","tool_call":{"writeToolCall":{"args":{"path":"/work/tree/notes.md","fileText":"hi"}}},"session_id":"c6b62c6f-7ead-4fd6-9922-e952131177ff"}"#,
        #"{"type":"tool_call","subtype":"completed","call_id":"toolu_vrtx_02","tool_call":{"writeToolCall":{"args":{"path":"/work/tree/notes.md"},"result":{"success":{"path":"/work/tree/notes.md","linesCreated":1}}}},"session_id":"c6b62c6f-7ead-4fd6-9922-e952131177ff"}"#,
        #"{"type":"tool_call","subtype":"completed","call_id":"toolu_vrtx_03","tool_call":{"editToolCall":{"args":{"path":"/work/tree/locked.md"},"result":{"error":{"message":"denied"}}}},"session_id":"c6b62c6f-7ead-4fd6-9922-e952131177ff"}"#,
        #"{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"Added the line."}]},"session_id":"c6b62c6f-7ead-4fd6-9922-e952131177ff"}"#,
        #"{"type":"result","subtype":"success","duration_ms":5234,"duration_api_ms":5234,"is_error":false,"result":"Added the line.","session_id":"c6b62c6f-7ead-4fd6-9922-e952131177ff","request_id":"r-1"}"#,
      ])
    #expect(tally.session == "c6b62c6f-7ead-4fd6-9922-e952131177ff")
    #expect(tally.model == "Claude 4 Sonnet")
    #expect(tally.toolCalls == 3)
    #expect(tally.filesChanged == ["notes.md"])
    #expect(tally.finalMessage == "Added the line.")
    #expect(tally.inputTokens == nil)
    #expect(tally.reportedError == nil)
  }

  // MARK: Codex

  static let codex = [
    #"{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}"#,
    #"{"type":"turn.started"}"#,
    #"{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Looking at the tests**"}}"#,
    #"{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"bash -lc 'swift test'","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#,
    #"{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc 'swift test'","aggregated_output":"ok\n","exit_code":0,"status":"completed"}}"#,
    #"{"type":"item.completed","item":{"id":"item_2","type":"file_change","changes":[{"path":"/work/tree/Sources/a.swift","kind":"update"},{"path":"/work/tree/Sources/b.swift","kind":"add"}],"status":"completed"}}"#,
    #"{"type":"item.completed","item":{"id":"item_3","type":"file_change","changes":[{"path":"/work/tree/Sources/c.swift","kind":"update"}],"status":"failed"}}"#,
    #"{"type":"item.started","item":{"id":"item_4","type":"mcp_tool_call","server":"docs","tool":"search","arguments":{"q":"x"},"result":null,"error":null,"status":"in_progress"}}"#,
    #"{"type":"item.completed","item":{"id":"item_5","type":"agent_message","text":"Both files are updated."}}"#,
    #"{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":200,"output_tokens":300}}"#,
    #"{"type":"turn.completed","usage":{"input_tokens":200,"cached_input_tokens":0,"output_tokens":45}}"#,
  ]

  @Test func codexEventsSumTurnsAndListChanges() {
    let (events, tally) = run(.codex, Self.codex)
    #expect(tally.session == "0199a213-81c0-7800-8aa1-bbab2a035a53")
    #expect(tally.model == nil)
    #expect(tally.inputTokens == 1200)
    #expect(tally.outputTokens == 345)
    #expect(tally.costUSD == nil)
    #expect(tally.filesChanged == ["Sources/a.swift", "Sources/b.swift"])
    #expect(tally.toolCalls == 4)
    #expect(tally.finalMessage == "Both files are updated.")
    #expect(tally.reportedError == nil)
    #expect(events.contains(.tool(name: "shell", detail: "bash -lc 'swift test'")))
    #expect(events.contains(.tool(name: "apply_patch", detail: "Sources/a.swift (+1)")))
    #expect(events.contains(.tool(name: "docs.search", detail: nil)))
  }

  @Test func codexFailuresAreReported() {
    let (events, tally) = run(
      .codex,
      [
        #"{"type":"thread.started","thread_id":"t-1"}"#,
        #"{"type":"error","message":"exceeded retry limit, last status: 429 Too Many Requests"}"#,
        #"{"type":"turn.failed","error":{"message":"exceeded retry limit, last status: 429 Too Many Requests"}}"#,
      ])
    #expect(events.contains(.error("exceeded retry limit, last status: 429 Too Many Requests")))
    #expect(tally.reportedError == "exceeded retry limit, last status: 429 Too Many Requests")
    #expect(tally.session == "t-1")
  }

  @Test func aLaterSuccessClearsAnEarlierError() {
    let tally = run(
      .codex,
      [
        #"{"type":"error","message":"Reconnecting... 1/5"}"#,
        #"{"type":"item.completed","item":{"id":"i","type":"agent_message","text":"Done."}}"#,
        #"{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":5}}"#,
      ]
    ).tally
    #expect(tally.reportedError == nil)
    #expect(tally.finalMessage == "Done.")
  }

  // MARK: Gemini CLI

  @Test func geminiStreamJoinsDeltasAndReadsStats() {
    let (events, tally) = run(
      .gemini,
      [
        #"{"type":"init","timestamp":"2025-10-10T12:00:00.000Z","session_id":"8d2f1c4e-3b5a-4e6f-9c7d-2a1b0e9f8c7d","model":"gemini-2.5-pro"}"#,
        #"{"type":"message","timestamp":"2025-10-10T12:00:00.000Z","role":"user","content":"Fix the bug"}"#,
        #"{"type":"tool_use","timestamp":"2025-10-10T12:00:01.000Z","tool_name":"read_file","tool_id":"read_file-1","parameters":{"absolute_path":"/work/tree/main.py"}}"#,
        #"{"type":"tool_result","timestamp":"2025-10-10T12:00:01.000Z","tool_id":"read_file-1","status":"success","output":""}"#,
        #"{"type":"tool_use","timestamp":"2025-10-10T12:00:02.000Z","tool_name":"replace","tool_id":"replace-2","parameters":{"file_path":"/work/tree/main.py","old_string":"a","new_string":"b"}}"#,
        #"{"type":"tool_result","timestamp":"2025-10-10T12:00:02.000Z","tool_id":"replace-2","status":"success"}"#,
        #"{"type":"tool_use","timestamp":"2025-10-10T12:00:03.000Z","tool_name":"write_file","tool_id":"write-3","parameters":{"file_path":"/work/tree/other.py","content":"x"}}"#,
        #"{"type":"tool_result","timestamp":"2025-10-10T12:00:03.000Z","tool_id":"write-3","status":"error","error":{"type":"denied","message":"no"}}"#,
        #"{"type":"error","timestamp":"2025-10-10T12:00:03.000Z","severity":"warning","message":"Loop detected, stopping"}"#,
        #"{"type":"message","timestamp":"2025-10-10T12:00:04.000Z","role":"assistant","content":"Fixed the","delta":true}"#,
        #"{"type":"message","timestamp":"2025-10-10T12:00:04.000Z","role":"assistant","content":" bug.","delta":true}"#,
        #"{"type":"result","timestamp":"2025-10-10T12:00:05.000Z","status":"success","stats":{"total_tokens":1545,"input_tokens":1200,"output_tokens":345,"cached":200,"input":1000,"duration_ms":5000,"tool_calls":3}}"#,
      ])
    #expect(tally.session == "8d2f1c4e-3b5a-4e6f-9c7d-2a1b0e9f8c7d")
    #expect(tally.model == "gemini-2.5-pro")
    #expect(tally.inputTokens == 1200)
    #expect(tally.outputTokens == 345)
    #expect(tally.finalMessage == "Fixed the bug.")
    #expect(tally.filesChanged == ["main.py"])
    #expect(tally.toolCalls == 3)
    #expect(tally.reportedError == nil)
    #expect(events.contains(.output("warning: Loop detected, stopping")))
    #expect(events.filter { if case .message = $0 { return true } else { return false } }.count == 1)
  }

  @Test func geminiErrorsAndUnfinishedText() {
    let failed = run(
      .gemini,
      [
        #"{"type":"error","timestamp":"t","severity":"error","message":"[API Error: status 429 RESOURCE_EXHAUSTED]"}"#,
        #"{"type":"result","timestamp":"t","status":"error","error":{"type":"ApiError","message":"[API Error: status 429 RESOURCE_EXHAUSTED]"}}"#,
      ]
    ).tally
    #expect(failed.reportedError == "[API Error: status 429 RESOURCE_EXHAUSTED]")

    // Text streamed without a closing result still reaches the tally through finish().
    let cut = run(.gemini, [#"{"type":"message","role":"assistant","content":"Half an ans","delta":true}"#])
      .tally
    #expect(cut.finalMessage == "Half an ans")
  }

  // MARK: opencode

  @Test func opencodeSumsStepsTokensAndCost() {
    let (events, tally) = run(
      .opencode,
      [
        #"{"type":"step_start","timestamp":1767036059338,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"id":"prt_1","sessionID":"ses_494719016ffe85dkDMj0FPRbHK","messageID":"msg_1","type":"step-start","snapshot":"71db24a7"}}"#,
        #"{"type":"tool_use","timestamp":1767036061199,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"id":"prt_2","type":"tool","callID":"call_1","tool":"bash","state":{"status":"completed","input":{"command":"echo hello","description":"Print hello"},"output":"hello\n","title":"Print hello","metadata":{"exit":0}}}}"#,
        #"{"type":"tool_use","timestamp":1767036061299,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"id":"prt_3","type":"tool","callID":"call_2","tool":"edit","state":{"status":"completed","input":{"filePath":"/work/tree/src/index.ts","oldString":"a","newString":"b"},"output":""}}}"#,
        #"{"type":"step_finish","timestamp":1767036061205,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"id":"prt_4","type":"step-finish","reason":"tool-calls","cost":0.004,"tokens":{"input":600,"output":190,"reasoning":10,"cache":{"read":100,"write":100}}}}"#,
        #"{"type":"text","timestamp":1767036064268,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"id":"prt_5","type":"text","text":"Done.","time":{"start":1,"end":2}}}"#,
        #"{"type":"step_finish","timestamp":1767036064273,"sessionID":"ses_494719016ffe85dkDMj0FPRbHK","part":{"id":"prt_6","type":"step-finish","reason":"stop","cost":0.0083,"tokens":{"input":400,"output":145,"reasoning":0,"cache":{"read":0,"write":0}}}}"#,
      ])
    #expect(tally.session == "ses_494719016ffe85dkDMj0FPRbHK")
    #expect(tally.inputTokens == 1200)
    #expect(tally.outputTokens == 345)
    #expect(abs((tally.costUSD ?? 0) - 0.0123) < 1e-9)
    #expect(tally.filesChanged == ["src/index.ts"])
    #expect(tally.toolCalls == 2)
    #expect(tally.finalMessage == "Done.")
    #expect(events.contains(.tool(name: "bash", detail: "echo hello")))
    #expect(events.last == .finished(message: nil, isError: false))
  }

  @Test func opencodeErrors() {
    let tally = run(
      .opencode,
      [
        #"{"type":"error","timestamp":1,"sessionID":"ses_1","error":{"name":"APIError","data":{"message":"Rate limit exceeded","statusCode":429,"isRetryable":true}}}"#
      ]
    ).tally
    #expect(tally.reportedError == "Rate limit exceeded")
    #expect(tally.session == "ses_1")
  }

  // MARK: Plain output and hostile input

  @Test func plainLinesAreOutput() {
    let (events, tally) = run(.plain, ["Applied edit to a.py", "", "   ", "Tokens: 1.2k sent\r"])
    #expect(events == [.output("Applied edit to a.py"), .output("Tokens: 1.2k sent")])
    #expect(tally == AgentTally())
  }

  @Test(arguments: [AgentOutputFormat.claude, .cursor, .codex, .gemini, .opencode])
  func garbageBecomesOutput(format: AgentOutputFormat) {
    var parser = AgentOutputParser(format: format)
    #expect(parser.parse(line: "Warning: something odd") == [.output("Warning: something odd")])
    #expect(parser.parse(line: #"{"type":"result","#) == [.output(#"{"type":"result","#)])
    #expect(parser.parse(line: "[1,2,3]") == [.output("[1,2,3]")])
    #expect(parser.parse(line: #"{"no_type":true}"#) == [.output(#"{"no_type":true}"#)])
    #expect(parser.parse(line: #"{"type":"something.new","x":1}"#) == [])
    #expect(parser.parse(line: #"{"type":7}"#) == [.output(#"{"type":7}"#)])
    // Wrong types inside known events are ignored, never trusted.
    _ = parser.parse(line: #"{"type":"result","usage":"lots","session_id":42,"total_cost_usd":"free"}"#)
    _ = parser.parse(line: #"{"type":"turn.completed","usage":{"input_tokens":-5,"output_tokens":1e300}}"#)
    _ = parser.parse(line: #"{"type":"step_finish","part":{"tokens":[1,2],"cost":null}}"#)
    _ = parser.parse(line: #"{"type":"assistant","message":{"content":"not blocks"}}"#)
    _ = parser.parse(line: #"{"type":"tool_call","tool_call":[]}"#)
    _ = parser.parse(line: #"{"type":"item.completed","item":{"type":"file_change","changes":"x"}}"#)
  }

  @Test func hugeLinesAreCutNotDecoded() {
    var parser = AgentOutputParser(format: .claude)
    let huge =
      #"{"type":"assistant","message":{"content":[{"type":"text","text":""#
      + String(repeating: "a", count: 9 << 20)
      + #""}]}}"#
    let events = parser.parse(line: huge)
    #expect(events.count == 1)
    guard case .output(let text) = events.first else {
      Issue.record("expected output, got \(events)")
      return
    }
    #expect(text.utf8.count <= 4096)
    #expect(text.hasSuffix("…"))

    // A big but decodable message is kept to 4 KB.
    let big =
      #"{"type":"assistant","message":{"content":[{"type":"text","text":""#
      + String(repeating: "é", count: 100_000)
      + #""}]}}"#
    guard case .message(let message) = parser.parse(line: big).first else {
      Issue.record("expected a message")
      return
    }
    #expect(message.utf8.count <= 4096)
    #expect(message.hasPrefix("éé"))
  }

  @Test func controlCharactersAreRemoved() {
    let (events, tally) = run(
      .claude,
      [
        #"{"type":"assistant","message":{"content":[{"type":"text","text":"ok\u001b[2J\u001b]0;pwned\u0007 done\nline two"},{"type":"tool_use","id":"t","name":"Bash","input":{"command":"echo a\necho b\u009b"}}]}}"#
      ])
    #expect(tally.finalMessage == "ok[2J]0;pwned done\nline two")
    #expect(events.contains(.tool(name: "Bash", detail: "echo a echo b")))
  }

  @Test func sessionIdsThatCouldBeOptionsAreDropped() {
    let tally = run(
      .claude,
      [
        #"{"type":"system","subtype":"init","session_id":"--dangerously-skip-permissions","model":"m"}"#,
        #"{"type":"result","subtype":"success","session_id":"a b; rm -rf /","result":"x"}"#,
      ]
    ).tally
    #expect(tally.session == nil)
    #expect(tally.model == "m")
  }

  // MARK: Events and tally

  @Test func eventsAsJSONLines() {
    #expect(
      AgentEvent.started(session: "s-1", model: nil).jsonLine == #"{"type":"started","session":"s-1"}"#)
    #expect(AgentEvent.message("a \"quote\"\n").jsonLine == #"{"type":"message","text":"a \"quote\"\n"}"#)
    #expect(
      AgentEvent.tool(name: "Edit", detail: "a.swift").jsonLine
        == #"{"type":"tool","name":"Edit","detail":"a.swift"}"#)
    #expect(AgentEvent.tool(name: "Read", detail: nil).jsonLine == #"{"type":"tool","name":"Read"}"#)
    #expect(AgentEvent.fileChanged("a.swift").jsonLine == #"{"type":"file","path":"a.swift"}"#)
    #expect(
      AgentEvent.usage(inputTokens: 1200, outputTokens: 345, costUSD: 0.0123).jsonLine
        == #"{"type":"usage","input_tokens":1200,"output_tokens":345,"cost_usd":0.0123}"#)
    #expect(
      AgentEvent.usage(inputTokens: nil, outputTokens: 5, costUSD: .infinity).jsonLine
        == #"{"type":"usage","output_tokens":5}"#)
    #expect(
      AgentEvent.finished(message: "Done", isError: false).jsonLine
        == #"{"type":"finished","message":"Done","is_error":false}"#)
    #expect(AgentEvent.error("boom").jsonLine == #"{"type":"error","message":"boom"}"#)
    #expect(AgentEvent.output("\u{1}x").jsonLine == #"{"type":"output","text":"\u0001x"}"#)
    for event in [AgentEvent.usage(inputTokens: 1, outputTokens: 2, costUSD: 1e-05), .message("é")] {
      let decoded = try? JSONSerialization.jsonObject(with: Data(event.jsonLine.utf8))
      #expect(decoded is [String: Any])
    }
  }

  @Test func tallyKeepsFilesUniqueAndTheLastValues() {
    var tally = AgentTally()
    tally.add([
      .started(session: "a", model: "m1"), .started(session: nil, model: "m2"), .fileChanged("x"),
      .fileChanged("y"),
      .fileChanged("x"), .tool(name: "t", detail: nil),
      .usage(inputTokens: 5, outputTokens: nil, costUSD: nil),
      .usage(inputTokens: 9, outputTokens: 2, costUSD: 0.5), .message("first"), .error("oops"),
      .finished(message: nil, isError: true), .output("noise"),
    ])
    #expect(tally.session == "a")
    #expect(tally.model == "m2")
    #expect(tally.filesChanged == ["x", "y"])
    #expect(tally.toolCalls == 1)
    #expect(tally.inputTokens == 9)
    #expect(tally.outputTokens == 2)
    #expect(tally.costUSD == 0.5)
    #expect(tally.finalMessage == "first")
    #expect(tally.reportedError == "the agent reported an error")
  }
}
