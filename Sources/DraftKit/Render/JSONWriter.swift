/// A JSON value with object keys in the order they were given, so output follows the
/// documented contract order (`id` first) rather than hash order, and is fast to write.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }

  /// Compact (one line) or indented with two spaces.
  public func serialized(pretty: Bool = false) -> String {
    var out: [UInt8] = []
    write(to: &out, pretty: pretty, indent: 0)
    return String(decoding: out, as: UTF8.self)
  }

  private func write(to out: inout [UInt8], pretty: Bool, indent: Int) {
    switch self {
    case .null: out += "null".utf8
    case .bool(let value): out += (value ? "true" : "false").utf8
    case .int(let value): out += String(value).utf8
    case .string(let value): Self.quote(value, into: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        if pretty { Self.newline(&out, indent + 1) }
        item.write(to: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty && !items.isEmpty { Self.newline(&out, indent) }
      out.append(UInt8(ascii: "]"))
    case .object(let fields):
      out.append(UInt8(ascii: "{"))
      for (index, (key, value)) in fields.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        if pretty { Self.newline(&out, indent + 1) }
        Self.quote(key, into: &out)
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(UInt8(ascii: " ")) }
        value.write(to: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty && !fields.isEmpty { Self.newline(&out, indent) }
      out.append(UInt8(ascii: "}"))
    }
  }

  private static func newline(_ out: inout [UInt8], _ depth: Int) {
    out.append(UInt8(ascii: "\n"))
    out += repeatElement(UInt8(ascii: " "), count: 2 * depth)
  }

  /// Escapes as RFC 8259 requires (quote, backslash, control characters); the rest is copied
  /// as UTF-8, byte for byte.
  static func quote(_ text: String, into out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out += "\\\"".utf8
      case UInt8(ascii: "\\"): out += "\\\\".utf8
      case UInt8(ascii: "\n"): out += "\\n".utf8
      case UInt8(ascii: "\r"): out += "\\r".utf8
      case UInt8(ascii: "\t"): out += "\\t".utf8
      case 0..<0x20:
        out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
