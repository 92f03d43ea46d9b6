import CLibgit2

/// A git object id (SHA-1): its 20 raw bytes, copied out of libgit2 so it outlives any C object.
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
  let raw: git_oid

  init(_ raw: git_oid) { self.raw = raw }

  /// Parses a full 40-digit hex id; nil for anything else.
  public init?(hex: String) {
    var oid = git_oid()
    guard hex.utf8.count == Int(GIT_OID_HEXSZ), hex.utf8.allSatisfy(Self.isHexDigit),
      git_oid_fromstrn(&oid, hex, hex.utf8.count) == 0
    else { return nil }
    raw = oid
  }

  /// Reads an id from its 20 raw bytes (as `bytes` gives them).
  public init?(bytes: some Collection<UInt8>) {
    guard bytes.count == Int(GIT_OID_RAWSZ) else { return nil }
    var oid = git_oid()
    withUnsafeMutableBytes(of: &oid.id) { target in
      for (index, byte) in bytes.enumerated() { target[index] = byte }
    }
    raw = oid
  }

  /// The 20 raw bytes.
  public func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
    try withUnsafeBytes(of: raw.id, body)
  }

  public var hex: String {
    let digits: StaticString = "0123456789abcdef"
    return withBytes { bytes in
      String(unsafeUninitializedCapacity: bytes.count * 2) { out in
        for (index, byte) in bytes.enumerated() {
          out[2 * index] = digits.utf8Start[Int(byte >> 4)]
          out[2 * index + 1] = digits.utf8Start[Int(byte & 0xf)]
        }
        return bytes.count * 2
      }
    }
  }

  public var description: String { hex }

  public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
    lhs.withBytes { a in rhs.withBytes { b in a.elementsEqual(b) } }
  }

  public func hash(into hasher: inout Hasher) { withBytes { hasher.combine(bytes: $0) } }

  public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
    lhs.withBytes { a in rhs.withBytes { b in a.lexicographicallyPrecedes(b) } }
  }

  static func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
  }
}
