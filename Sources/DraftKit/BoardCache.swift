import FoundationEssentials
import GitKit
import Glibc

/// The local cache of replayed tickets, keyed by each ref's tip: whatever moved a ref (a write,
/// a sync, a plain `git fetch`, another process) changes the tip, so only that ticket is
/// replayed again. It is never the source of truth: deleting it loses nothing.
///
/// Format: a header line, then one line per ref in name order:
/// `<id> <tip> <ticket JSON>` or `<id> <tip> !<why it is invalid>`.
struct BoardCache {
  static let header = "git-draft board cache 1"

  enum Entry {
    case ticket(json: ArraySlice<UInt8>)
    case invalid(String)
  }

  /// Cached entries by ticket id, each with the tip it was computed from.
  var entries: [String: (tip: String, entry: Entry)] = [:]

  static func path(in repository: Repository) -> String {
    repository.commonDirectory + "draft/cache"
  }

  /// Reads the cache; a missing, unreadable or foreign file is an empty cache.
  static func read(from path: String) -> BoardCache {
    var cache = BoardCache()
    guard let bytes = readFile(path) else { return cache }
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)[...]
    guard let first = lines.popFirst(), String(decoding: first, as: UTF8.self) == header else { return cache }
    cache.entries.reserveCapacity(lines.count)
    for line in lines {
      // 64 hex id, space, 40 hex tip, space, payload.
      guard line.count > 106, line[line.startIndex + 64] == 0x20, line[line.startIndex + 105] == 0x20 else {
        return BoardCache()
      }
      let id = String(decoding: line[line.startIndex..<line.startIndex + 64], as: UTF8.self)
      let tip = String(decoding: line[line.startIndex + 65..<line.startIndex + 105], as: UTF8.self)
      let payload = line[(line.startIndex + 106)...]
      if payload.first == UInt8(ascii: "!") {
        cache.entries[id] = (tip, .invalid(String(decoding: payload.dropFirst(), as: UTF8.self)))
      } else {
        cache.entries[id] = (tip, .ticket(json: payload))
      }
    }
    return cache
  }

  /// Writes the cache atomically (temporary file, then rename) so concurrent readers never see
  /// half a file. Failure to write is ignored: the cache is an optimisation only.
  func write(to path: String) {
    var out: [UInt8] = Array((Self.header + "\n").utf8)
    for id in entries.keys.sorted() {
      let (tip, entry) = entries[id]!
      out.append(contentsOf: id.utf8)
      out.append(0x20)
      out.append(contentsOf: tip.utf8)
      out.append(0x20)
      switch entry {
      case .ticket(let json): out.append(contentsOf: json)
      case .invalid(let reason):
        out.append(UInt8(ascii: "!"))
        out.append(contentsOf: reason.utf8.map { $0 == 0x0a ? 0x20 : $0 })
      }
      out.append(0x0a)
    }
    let directory = String(path[..<path.lastIndex(of: "/")!])
    mkdir(directory, 0o777)
    let temporary = "\(path).\(getpid()).tmp"
    guard writeFile(temporary, out) else { return }
    if rename(temporary, path) != 0 { unlink(temporary) }
  }
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
  return TextInput.readAll(fd)
}

/// Writes a whole file, replacing it; false when it could not be written completely.
func writeFile(_ path: String, _ bytes: [UInt8]) -> Bool {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
  guard fd >= 0 else { return false }
  defer { close(fd) }
  var offset = 0
  while offset < bytes.count {
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
    if written <= 0 { return false }
    offset += written
  }
  return true
}
