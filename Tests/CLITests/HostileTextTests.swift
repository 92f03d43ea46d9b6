import Foundation
import Testing

/// Text from anyone: it comes back byte for byte, never drives the terminal, never reaches a shell.
@Suite struct HostileTextTests {
  static let hostile: [String] = [
    "$(touch PWNED)",
    "`touch PWNED2`",
    "a; touch PWNED3; b",
    "x | tee PWNED4 && touch PWNED5 || true &",
    "> PWNED6 < /etc/passwd 2>&1",
    #"double "quotes" and 'single' and \backslash\ and \n literal"#,
    "line one\nline two\n\nline four\n",
    "\ttabs\tand\r\ncarriage returns\r",
    "bell \u{07} backspace \u{08} vt \u{0b} ff \u{0c} del \u{7f} c1 \u{85}\u{9b}31m",
    "ansi \u{1b}[31mred\u{1b}[0m \u{1b}]0;window title\u{07} \u{1b}[2J\u{1b}[H clear \u{1b}P dcs \u{1b}\\",
    "emoji 🚀👩‍💻🏳️‍🌈 CJK 漢字かなカナ한국어 RTL עברית العربية \u{202e}reversed\u{202c} zero\u{200b}width",
    "combining e\u{301} vs \u{e9}, ﬁ ligature, ＦＵＬＬ width",
    "-starts-with-a-dash",
    "--help",
    "%s %n %x {{template}} ${HOME} ~root *.swift ?",
  ]

  /// Bytes that must never reach the terminal from ticket text: C0 controls other than the
  /// newline, DEL, and the C1 controls (UTF-8 C2 80 to C2 9F).
  static func rawControls(in data: Data) -> [String] {
    var found: [String] = []
    let bytes = [UInt8](data)
    for (index, byte) in bytes.enumerated() {
      if (byte < 0x20 && byte != 0x0a) || byte == 0x7f {
        found.append(String(format: "0x%02x at %d", byte, index))
      } else if byte == 0xc2, index + 1 < bytes.count, (0x80...0x9f).contains(bytes[index + 1]) {
        found.append(String(format: "C1 0x%02x at %d", bytes[index + 1], index))
      }
    }
    return found
  }

  @Test func titlesBodiesCommentsAndLabelsComeBackByteForByte() throws {
    let sandbox = try Sandbox()
    var made: [(id: String, text: String)] = []
    for text in Self.hostile {
      // "--" so that a title starting with a dash is a title, and "-m=TEXT" so that a text
      // starting with a dash is the option's value, as a user would type them.
      let result = try sandbox.draft("new", "-m=\(text)", "--", text)
      #expect(result.status == 0, "new failed for \(text.debugDescription): \(result.stderr)")
      made.append((result.stdout.trimmingCharacters(in: .newlines), text))
    }
    for (id, text) in made {
      try sandbox.ok("comment", id, "-m=\(text)")
      let ticket = try sandbox.show(id)
      #expect(Array(ticket.title.utf8) == Array(text.utf8), "title of \(text.debugDescription)")
      #expect(Array(ticket.body.utf8) == Array(text.utf8), "body of \(text.debugDescription)")
      #expect(ticket.comments?.map { Array($0.body.utf8) } == [Array(text.utf8)])
    }
    // Edits and list --json keep them too.
    let first = made[0].id
    let replacement = Self.hostile[9] + Self.hostile[10]
    try sandbox.ok("edit", first, "--title", replacement, "-m", Self.hostile[7])
    let edited = try sandbox.show(first)
    #expect(Array(edited.title.utf8) == Array(replacement.utf8))
    #expect(Array(edited.body.utf8) == Array(Self.hostile[7].utf8))
    let listed = Dictionary(uniqueKeysWithValues: try sandbox.list().map { ($0.id, $0) })
    for (id, text) in made.dropFirst() {
      let ticket = try #require(listed.values.first { $0.id.hasPrefix(id) })
      #expect(Array(ticket.title.utf8) == Array(text.utf8))
    }
    // Labels may not hold spaces, but anything else printable survives.
    let label = "$(x)`y`;|&&\"'🚀漢"
    try sandbox.ok("edit", first, "--add-label", label)
    #expect(try sandbox.show(first).labels == [label])
  }

  @Test func aOneMegabyteBodyComesBackByteForByte() throws {
    let sandbox = try Sandbox()
    // Shell metacharacters, quotes, controls and non-ASCII (but no NUL), in a random 4 KB
    // pattern repeated to 1 MB.
    var chunk = ""
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("abc XYZ 019 $`;|&\"'\\\n\t\r\u{1b}[31m é漢🚀עב\u{7f}")
    while chunk.utf8.count < 4096 { chunk.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
    let body = String(repeating: chunk, count: (1 << 20) / chunk.utf8.count + 1)
    #expect(body.utf8.count >= 1 << 20)
    let path = try sandbox.writeFile("big.txt", Data(body.utf8))
    let id = try sandbox.newTicket("Big", "-F", path)
    #expect(Array(try sandbox.show(id).body.utf8) == Array(body.utf8))
    // Through standard input as well.
    let piped = try sandbox.draft("new", "Big piped", "-F", "-", input: Data(body.utf8))
    #expect(piped.status == 0, "\(piped.stderr)")
    let other = piped.stdout.trimmingCharacters(in: .newlines)
    #expect(Array(try sandbox.show(other).body.utf8) == Array(body.utf8))
    // A comment of the same size.
    try sandbox.ok("comment", id, "-F", path)
    #expect(try sandbox.show(id).comments?.first.map { Array($0.body.utf8) } == Array(body.utf8))
    // The text view does not pass the controls through either.
    let shown = try sandbox.draft("show", id)
    #expect(shown.status == 0)
    #expect(Self.rawControls(in: shown.stdoutBytes).isEmpty)
  }

  @Test func textOutputShowsControlCharactersEscaped() throws {
    let sandbox = try Sandbox()
    let title = "evil \u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned\u{07} bell\u{07} cr\r tab\t del\u{7f} csi\u{9b}2J"
    let body = "body \u{1b}[2J\u{1b}[H cleared?\nsecond \u{1b}[5m line\r\n"
    let id = try sandbox.newTicket(title, "-m", body, "-l", "ok", "--state", "planned")
    try sandbox.ok("comment", id, "-m", "comment \u{1b}[8m hidden \u{1b}[0m")
    try sandbox.ok("move", id, "executing", "--reason", "reason \u{1b}[41m")
    try sandbox.ok("move", id, "blocked")
    try sandbox.ok("move", id, "planned")
    let outputs: [[String]] = [
      ["list"], ["list", "--all"], ["show", id], ["log", id], ["board"], ["board", "--all"], ["next"],
      ["next", "--all"],
    ]
    for arguments in outputs {
      let result = try sandbox.draft(arguments: arguments)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      if arguments[0] != "log" {
        #expect(result.stdout.contains("red"), "\(arguments) should still show the title's text")
      }
      if ["list", "show"].contains(arguments[0]) {
        // The control character is shown escaped; the printable rest of the sequence stays.
        #expect(result.stdout.contains("[31mred"), "\(arguments): \(result.stdout)")
      }
      #expect(!result.stdoutBytes.contains(0x1b), "\(arguments) printed a raw ESC")
      #expect(
        Self.rawControls(in: result.stdoutBytes).isEmpty,
        "\(arguments): \(Self.rawControls(in: result.stdoutBytes))")
    }
    // Coloured output has the palette's escapes but none of the ticket's.
    for arguments in [
      ["list", "--color", "always"], ["show", id, "--color", "always"], ["board", "--color", "always"],
    ] {
      let result = try sandbox.draft(arguments: arguments)
      #expect(result.status == 0)
      for sequence in ["\u{1b}[31mred", "\u{1b}]0;", "\u{1b}[2J", "\u{1b}[8m", "\u{1b}[41m", "\u{07}", "\r"] {
        #expect(!result.stdout.contains(sequence), "\(arguments) passed \(sequence.debugDescription) through")
      }
    }
    // JSON keeps the text exactly (escaped as JSON).
    let ticket = try sandbox.show(id)
    #expect(Array(ticket.title.utf8) == Array(title.utf8))
    #expect(Array(ticket.body.utf8) == Array(body.utf8))
  }

  @Test func aHostileAuthorNameIsEscapedToo() throws {
    let sandbox = try Sandbox()
    let name = "Mallory \u{1b}[31m\u{1b}]0;x\u{07}"
    let env = ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": "m\u{1b}[0m@example.com"]
    let id = try sandbox.ok("new", "Normal title", environment: env).trimmingCharacters(in: .newlines)
    try sandbox.ok("comment", id, "-m", "hi", environment: env)
    for arguments in [["show", id], ["log", id], ["list", "author:mallory"]] {
      let result = try sandbox.draft(arguments: arguments)
      #expect(result.status == 0)
      #expect(result.stdout.contains(arguments[0] == "list" ? "Normal title" : "Mallory"))
      #expect(!result.stdoutBytes.contains(0x1b), "\(arguments) printed a raw ESC")
    }
    #expect(try sandbox.show(id).author.name == name)
  }

  @Test func errorMessagesDoNotEchoControlCharacters() throws {
    let sandbox = try Sandbox()
    let id = try sandbox.newTicket("x")
    let before = try sandbox.refSnapshot()
    let attempts: [[String]] = [
      ["show", "\u{1b}[2J\u{1b}]0;x\u{07}"],
      ["show", "abcd\nerror: forged second line"],
      ["list", "state:\u{1b}[31mevil\nforged"],
      ["new", "x", "-l", "bad\u{1b}[31m\nlabel"],
      ["edit", id, "--add-label", "tab\there"],
      ["import", "/tmp/no such \u{1b}[31m file\n"],
    ]
    for arguments in attempts {
      let result = try sandbox.draft(arguments: arguments)
      #expect(result.status != 0)
      #expect(
        result.stderrLines.count == 1, "\(arguments.debugDescription) gave: \(result.stderr.debugDescription)"
      )
      #expect(!result.stderrBytes.contains(0x1b), "\(arguments.debugDescription) echoed ESC")
      #expect(!result.stderrBytes.contains(0x07))
    }
    #expect(try sandbox.refSnapshot() == before)
  }

  @Test func nothingInTheTextIsEverExecuted() throws {
    let sandbox = try Sandbox()
    let home = sandbox.root + "/home"
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let env = ["HOME": home]
    var ids: [String] = []
    for text in Self.hostile {
      let result = try sandbox.draft(
        arguments: ["new", "-m=\(text)", "-l", "x", "--state", "planned", "--", text], environment: env)
      #expect(result.status == 0)
      ids.append(result.stdout.trimmingCharacters(in: .newlines))
    }
    for (id, text) in zip(ids, Self.hostile) {
      try sandbox.ok("comment", id, "-m=\(text)", environment: env)
      try sandbox.ok("move", id, "executing", "--reason=\(text)", environment: env)
      try sandbox.ok("edit", id, "--title=\(text) (edited)", environment: env)
    }
    for id in ids.prefix(5) {
      try sandbox.ok("show", id, environment: env)
      try sandbox.ok("log", id, environment: env)
    }
    for arguments in [["list"], ["list", "--json"], ["board"], ["export"], ["next", "--all"]] {
      _ = try sandbox.draft(arguments: arguments, environment: env)
    }
    let exported = try sandbox.ok("export")
    try sandbox.ok("import", "-", input: Data(exported.utf8), environment: env)
    let paths = sandbox.allPaths()
    #expect(
      !paths.contains { $0.contains("PWNED") }, "a command ran: \(paths.filter { $0.contains("PWNED") })")
    #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/PWNED"))
    #expect(try sandbox.git("status", "--porcelain") == "")
  }
}
