import Glibc

/// Reads text given as `-F FILE` (or `-F -` for standard input), byte for byte.
public enum TextInput {
  public static func read(_ path: String) throws -> String {
    let bytes = try readBytes(path)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw DraftError(.invalidInput, "\(path == "-" ? "standard input" : path) is not UTF-8 text")
    }
    return text
  }

  public static func readBytes(_ path: String) throws -> [UInt8] {
    if path == "-" { return readAll(STDIN_FILENO) }
    guard let bytes = readFile(path) else {
      throw DraftError(.invalidInput, "cannot read \(path): \(String(cString: strerror(errno)))")
    }
    return bytes
  }

  static func readAll(_ fd: Int32) -> [UInt8] {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count <= 0 { return result }
      result.append(contentsOf: chunk[0..<count])
    }
  }
}
