import GitKit
import Glibc

/// The local cache of replayed tickets, keyed by each ref's tip: whatever moved a ref (a write,
/// a sync, a plain `git fetch`, another process) changes the tip, so only that ticket is
/// replayed again. It is never the source of truth: deleting it loses nothing.
///
/// The file is mapped, not read, and laid out so that a command touches only what it needs:
/// a fixed-size index sorted by id (found by binary search) that also holds each ticket's
/// state, priority and times (enough to sort and pick tickets without decoding them), then
/// the link ids of every ticket (all `show` scans to find who links to a ticket), then the
/// encoded tickets.
///
///     header line, count: UInt32
///     index: count × (id 64 bytes, tip 20 raw bytes, kind: `T` ticket or `I` invalid,
///                     state, priority, 1 byte padding,
///                     links offset, links length, payload offset, payload length: UInt32,
///                     created, updated: Int64)
///     links, payloads
final class BoardCache {
  static let header = Array("git-draft board cache 6\n".utf8)
  static let entrySize = 120

  struct Entry {
    let index: Int
    let isTicket: Bool
  }

  /// What the index holds of a ticket; nil for a damaged entry.
  func summary(_ entry: Entry, id: String) -> TicketSummary? {
    let start = entryStart(entry.index)
    let bytes = file!.bytes
    guard
      let state = WorkflowState.allCases.indices.contains(Int(bytes[start + 85]))
        ? WorkflowState.allCases[Int(bytes[start + 85])] : nil
    else { return nil }
    return TicketSummary(
      id: id, state: state, priority: Int(bytes[start + 86]),
      createdAt: Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 104, as: Int64.self)),
      updatedAt: Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 112, as: Int64.self)))
  }

  private let file: MappedFile?
  let count: Int

  private init(file: MappedFile?, count: Int) {
    self.file = file
    self.count = count
  }

  static var empty: BoardCache { BoardCache(file: nil, count: 0) }

  static func path(in repository: Repository) -> String {
    repository.commonDirectory + "draft/cache"
  }

  /// Maps the cache; a missing, foreign or damaged file is an empty cache.
  static func open(_ path: String) -> BoardCache {
    guard let file = MappedFile(path), file.bytes.count >= header.count + 4,
      file.bytes.starts(with: header)
    else { return .empty }
    let count = Int(
      UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: header.count, as: UInt32.self)))
    guard file.bytes.count >= header.count + 4 + count * entrySize else { return .empty }
    return BoardCache(file: file, count: count)
  }

  private func field(_ index: Int, _ offset: Int) -> Int {
    Int(
      UInt32(
        littleEndian: file!.bytes.loadUnaligned(fromByteOffset: entryStart(index) + offset, as: UInt32.self)))
  }

  private func entryStart(_ index: Int) -> Int { Self.header.count + 4 + index * Self.entrySize }

  private func range(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer {
    let bytes = file!.bytes
    guard offset <= bytes.count, length <= bytes.count - offset else {
      return UnsafeRawBufferPointer(start: nil, count: 0)
    }
    return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
  }

  /// The entry for `id` if it was computed from `tip`.
  func entry(id: UnsafeBufferPointer<UInt8>, tip: ObjectID) -> Entry? {
    guard let file else { return nil }
    var low = 0
    var high = count
    while low < high {
      let mid = (low + high) / 2
      let start = entryStart(mid)
      let order = memcmp(file.bytes.baseAddress! + start, id.baseAddress!, 64)
      if order == 0 {
        let current = tip.withBytes { memcmp(file.bytes.baseAddress! + start + 64, $0.baseAddress!, 20) == 0 }
        return current ? Entry(index: mid, isTicket: file.bytes[start + 84] == UInt8(ascii: "T")) : nil
      }
      if order < 0 { low = mid + 1 } else { high = mid }
    }
    return nil
  }

  /// The link ids (64 bytes each) of a ticket entry.
  func links(_ entry: Entry) -> UnsafeRawBufferPointer {
    range(field(entry.index, 88), field(entry.index, 92))
  }

  /// The encoded ticket, or the reason an invalid entry is invalid.
  func payload(_ entry: Entry) -> UnsafeRawBufferPointer {
    range(field(entry.index, 96), field(entry.index, 100))
  }

  /// What one cache entry holds, for writing.
  struct Record {
    var id: String
    var tip: ObjectID
    var isTicket: Bool
    /// Nil for an invalid entry.
    var summary: TicketSummary?
    var links: [String]
    var payload: [UInt8]
  }

  /// Writes records (in id order) atomically: a temporary file, then rename, so concurrent
  /// readers never see half a file. Failure is ignored: the cache is an optimisation only.
  static func write(_ records: [Record], to path: String) {
    var index = ByteWriter(bytes: header)
    index.bytes += withUnsafeBytes(of: UInt32(records.count).littleEndian) { Array($0) }
    var links: [UInt8] = []
    var payloads: [UInt8] = []
    for record in records {
      for id in record.links { links += id.utf8 }
      payloads += record.payload
    }
    let linksStart = header.count + 4 + records.count * entrySize
    var linkOffset = linksStart
    var payloadOffset = linksStart + links.count
    guard payloadOffset + payloads.count < Int(UInt32.max) else { return }
    for record in records {
      index.bytes += record.id.utf8
      record.tip.withBytes { index.bytes += $0 }
      index.bytes += [
        record.isTicket ? UInt8(ascii: "T") : UInt8(ascii: "I"),
        UInt8(record.summary.map { WorkflowState.allCases.firstIndex(of: $0.state)! } ?? 0),
        UInt8(record.summary?.priority ?? 0), 0,
      ]
      let linkLength = record.links.count * 64
      for value in [linkOffset, linkLength, payloadOffset, record.payload.count] {
        index.bytes += withUnsafeBytes(of: UInt32(value).littleEndian) { Array($0) }
      }
      for time in [record.summary?.createdAt ?? 0, record.summary?.updatedAt ?? 0] {
        index.bytes += withUnsafeBytes(of: time.littleEndian) { Array($0) }
      }
      linkOffset += linkLength
      payloadOffset += record.payload.count
    }
    let directory = String(path[..<path.lastIndex(of: "/")!])
    mkdir(directory, 0o777)
    let temporary = "\(path).\(getpid()).tmp"
    guard writeFile(temporary, [index.bytes, links, payloads]) else {
      unlink(temporary)
      return
    }
    if rename(temporary, path) != 0 { unlink(temporary) }
  }

  static func encode(_ ticket: Ticket) -> [UInt8] {
    var writer = ByteWriter()
    ticket.encode(to: &writer)
    return writer.bytes
  }
}

/// A file mapped read-only into memory for as long as this object lives. The cache is
/// replaced by rename, never rewritten in place, so a mapping stays valid.
final class MappedFile {
  let bytes: UnsafeRawBufferPointer

  init?(_ path: String) {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0,
      let address = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED
    else { return nil }
    bytes = UnsafeRawBufferPointer(start: address, count: Int(status.st_size))
  }

  deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
}

/// Reads a whole file, or nil when it cannot be read (`errno` says why).
func readFile(_ path: String) -> [UInt8]? {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { return nil }
  defer { close(fd) }
  var status = stat()
  guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) != S_IFDIR else {
    errno = EISDIR
    return nil
  }
  return TextInput.readAll(fd, sizeHint: Int(status.st_size))
}

/// Writes a whole file from its parts, replacing it; false when it could not be written completely.
func writeFile(_ path: String, _ parts: [[UInt8]]) -> Bool {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
  guard fd >= 0 else { return false }
  defer { close(fd) }
  for bytes in parts {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if written <= 0 { return false }
      offset += written
    }
  }
  return true
}
