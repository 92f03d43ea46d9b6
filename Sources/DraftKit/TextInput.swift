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

  /// Everything left on `fd`. With the file's size as `sizeHint`, the common case is one read
  /// into a buffer of the right size (one byte more, to see the end without growing it).
  static func readAll(_ fd: Int32, sizeHint: Int = 0) -> [UInt8] {
    var capacity = max(sizeHint + 1, 1 << 16)
    var result: [UInt8] = []
    while true {
      let chunk = [UInt8](unsafeUninitializedCapacity: capacity - result.count) { buffer, count in
        count = 0
        while count < buffer.count {
          let got = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
          if got < 0 && errno == EINTR { continue }
          if got <= 0 { break }
          count += got
        }
      }
      let full = result.count + chunk.count == capacity
      result += chunk
      if !full { return result }
      capacity *= 2
    }
  }
}
