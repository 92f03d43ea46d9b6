/// A small length-prefixed binary encoding for the board cache: decoding it is several times
/// cheaper than JSON, which is what keeps listing 10,000 tickets close to `git for-each-ref`.
struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func write(_ value: Int64) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  mutating func write(_ value: Int) { write(Int64(value)) }

  mutating func write(_ text: String) {
    write(text.utf8.count)
    bytes += text.utf8
  }

  mutating func write(_ texts: [String]) {
    write(texts.count)
    for text in texts { write(text) }
  }
}

/// Reads what `ByteWriter` wrote, from memory it does not own (valid while it is used);
/// any inconsistency (a damaged file) throws.
struct ByteReader {
  struct Damaged: Error {}

  let bytes: UnsafeRawBufferPointer
  var position = 0

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  var isAtEnd: Bool { position == bytes.count }

  mutating func int64() throws -> Int64 {
    guard bytes.count - position >= 8 else { throw Damaged() }
    defer { position += 8 }
    return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int64.self))
  }

  mutating func int() throws -> Int {
    let value = try int64()
    guard value >= 0, value <= Int64(Int32.max) else { throw Damaged() }
    return Int(value)
  }

  mutating func slice(_ count: Int) throws -> UnsafeRawBufferPointer {
    guard count >= 0, bytes.count - position >= count else { throw Damaged() }
    defer { position += count }
    return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
  }

  mutating func string() throws -> String {
    String(decoding: try slice(try int()), as: UTF8.self)
  }

  mutating func strings() throws -> [String] {
    let count = try int()
    guard count <= bytes.count - position else { throw Damaged() }
    return try (0..<count).map { _ in try string() }
  }
}

extension Ticket {
  func encode(to writer: inout ByteWriter) {
    writer.write(id)
    writer.write(title)
    writer.write(body)
    writer.write(state.rawValue)
    writer.write(priority)
    writer.write(labels)
    writer.write(blockedBy)
    writer.write(parent.map { [$0] } ?? [])
    writer.write(related)
    writer.write(author.name)
    writer.write(author.email)
    writer.write(createdAt)
    writer.write(updatedAt)
    writer.write(commentCount)
    writer.write(conflictCount)
    writer.write(claim.map { [$0.holder.name, $0.holder.email, $0.machine] } ?? [])
    writer.write(claim?.until ?? 0)
  }

  convenience init(from reader: inout ByteReader) throws {
    let id = try reader.string()
    let title = try reader.string()
    let body = try reader.string()
    guard let state = WorkflowState(rawValue: try reader.string()) else { throw ByteReader.Damaged() }
    self.init(
      id: id, title: title, body: body, state: state, priority: try reader.int(),
      labels: try reader.strings(),
      blockedBy: try reader.strings(), parent: try reader.strings().first, related: try reader.strings(),
      author: Person(name: try reader.string(), email: try reader.string()), createdAt: try reader.int64(),
      updatedAt: try reader.int64(), commentCount: try reader.int(), conflictCount: try reader.int(),
      claim: try Self.claim(try reader.strings(), until: try reader.int64()))
  }

  private static func claim(_ fields: [String], until: Int64) throws -> Claim? {
    guard !fields.isEmpty else { return nil }
    guard fields.count == 3 else { throw ByteReader.Damaged() }
    return Claim(holder: Person(name: fields[0], email: fields[1]), machine: fields[2], until: until)
  }
}
