import Glibc

/// What a terminal needs from text that may come from anyone's push: no control characters
/// (an escape sequence in a title must not drive the terminal), and a display width.
public enum Terminal {
  /// `text` with control characters shown in caret notation (`^[`) and newlines as `\n`.
  public static func clean(_ text: String) -> String {
    // Fast path: no byte that can start a control or bidi character (C0, DEL, C1 via 0xc2,
    // U+202x/U+206x via 0xe2).
    guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f || $0 == 0xc2 || $0 == 0xe2 }) else {
      return text
    }
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar == "\n" {
        out.append(contentsOf: "\\n".unicodeScalars)
      } else if scalar.value < 0x20 {
        out.append("^")
        out.append(Unicode.Scalar(scalar.value + 0x40)!)
      } else if isControl(scalar) {
        out.append("?")
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that can make a
  /// line read differently from what it holds.
  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return value < 0x20 || (value >= 0x7f && value < 0xa0) || (0x202a...0x202e).contains(value)
      || (0x2066...0x2069).contains(value)
  }

  /// Columns `text` takes on a terminal: wide East Asian characters and emoji take two,
  /// combining marks none.
  public static func width(_ text: String) -> Int {
    if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
    return text.unicodeScalars.reduce(0) { $0 + width(of: $1) }
  }

  static func width(of scalar: Unicode.Scalar) -> Int {
    let value = scalar.value
    if scalar.properties.generalCategory == .nonspacingMark
      || scalar.properties.generalCategory == .enclosingMark
      || value == 0x200b
    {
      return 0
    }
    switch value {
    case 0x1100...0x115f, 0x2e80...0xa4cf, 0xac00...0xd7a3, 0xf900...0xfaff, 0xfe30...0xfe4f, 0xff00...0xff60,
      0xffe0...0xffe6, 0x1f300...0x1faff, 0x20000...0x3fffd:
      return 2
    default:
      return 1
    }
  }

  /// `text` cut to at most `columns` display columns, with an ellipsis when cut.
  public static func truncate(_ text: String, to columns: Int) -> String {
    guard width(text) > columns else { return text }
    guard columns > 1 else { return columns == 1 ? "…" : "" }
    var out = ""
    var used = 0
    for character in text {
      let w = width(String(character))
      if used + w > columns - 1 { break }
      out.append(character)
      used += w
    }
    return out + "…"
  }

  /// `text` padded with spaces to `columns` display columns.
  public static func pad(_ text: String, to columns: Int) -> String {
    let missing = columns - width(text)
    return missing > 0 ? text + String(repeating: " ", count: missing) : text
  }

  /// The width of the terminal on standard output, or nil when it is not a terminal.
  public static func columns() -> Int? {
    if let text = getenv("COLUMNS").map({ String(cString: $0) }), let value = Int(text), value > 0 {
      return value
    }
    var size = winsize()
    guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0
    else {
      return nil
    }
    return Int(size.ws_col)
  }
}
