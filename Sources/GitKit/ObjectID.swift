import CLibgit2

/// A git object id (SHA-1), copied out of libgit2 so it outlives any C object.
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let hex: String

  init(_ raw: git_oid) {
    let digits = Array("0123456789abcdef".utf8)
    hex = withUnsafeBytes(of: raw.id) { bytes in
      String(unsafeUninitializedCapacity: bytes.count * 2) { out in
        for (index, byte) in bytes.enumerated() {
          out[2 * index] = digits[Int(byte >> 4)]
          out[2 * index + 1] = digits[Int(byte & 0xf)]
        }
        return bytes.count * 2
      }
    }
  }

  /// Parses a full 40-digit hex id; nil for anything else.
  public init?(hex: String) {
    guard hex.utf8.count == Int(GIT_OID_HEXSZ), hex.utf8.allSatisfy(Self.isHexDigit) else { return nil }
    self.hex = hex.lowercased()
  }

  var raw: git_oid {
    var oid = git_oid()
    _ = git_oid_fromstr(&oid, hex)
    return oid
  }

  public var description: String { hex }
  public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }

  static func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
  }
}
