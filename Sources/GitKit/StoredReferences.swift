import CLibgit2
import Glibc

/// Listing one namespace of references straight from the files git keeps them in: a loose file
/// per reference under `refs/`, and `packed-refs`. libgit2's iterator parses, sorts and
/// allocates every packed reference of every namespace before it returns the first match; at
/// 10,000 tickets that was most of the cost of reading the board.
extension Repository {
  /// Calls `body` with the name (valid only during the call) and target of every direct
  /// reference whose name starts with `prefix` (a namespace such as `refs/draft/tickets/`), in
  /// no particular order. A loose file hides the packed entry of the same name, as in git.
  /// Symbolic references are skipped.
  func forEachStoredReference(
    under prefix: String, _ body: (UnsafeBufferPointer<UInt8>, ObjectID) throws -> Void
  ) throws {
    let root = Array(commonDirectory.utf8)
    var loose = Set<[UInt8]>()
    try forEachLooseReference(root: root, name: Array(prefix.utf8)) { name, target in
      loose.insert(name)
      try name.withUnsafeBufferPointer { try body($0, target) }
    }
    guard let packed = try Self.readFile(commonDirectory + "packed-refs") else { return }
    let prefixBytes = Array(prefix.utf8)
    let hexLength = Int(GIT_OID_HEXSZ)
    try packed.withUnsafeBufferPointer { file in
      guard let base = file.baseAddress else { return }
      var start = 0
      while start < file.count {
        let newline: UnsafeMutableRawPointer? = memchr(base + start, 0x0A, file.count - start)
        let end = newline.map { UnsafeRawPointer(base).distance(to: $0) } ?? file.count
        // `<hex> <name>`; comments (`#`) and peeled values (`^<hex>`) are skipped.
        let nameStart = start + hexLength + 1
        if end - nameStart >= prefixBytes.count, file[start] != 0x23, file[start] != 0x5E,
          file[nameStart - 1] == 0x20, memcmp(base + nameStart, prefixBytes, prefixBytes.count) == 0
        {
          let name = UnsafeBufferPointer(rebasing: file[nameStart..<end])
          if loose.isEmpty || !loose.contains(Array(name)) {
            guard let target = ObjectID(hex: UnsafeBufferPointer(rebasing: file[start..<(start + hexLength)]))
            else {
              throw GitError(
                .invalidObject, "cannot read \(commonDirectory)packed-refs: a line has no object id")
            }
            try body(name, target)
          }
        }
        start = end + 1
      }
    }
  }

  /// The loose references under `name` (a directory below `root`, the common directory),
  /// depth first.
  private func forEachLooseReference(
    root: [UInt8], name: [UInt8], _ body: ([UInt8], ObjectID) throws -> Void
  ) throws {
    let directoryPath = String(decoding: root + name, as: UTF8.self)
    guard let directory = opendir(directoryPath) else {
      if errno == ENOENT || errno == ENOTDIR { return }
      throw GitError(.other(-1), "cannot list \(directoryPath): \(String(cString: strerror(errno)))")
    }
    defer { closedir(directory) }
    var entries: [[UInt8]] = []
    while let entry = readdir(directory) {
      let entryName = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
      if entryName != [0x2E] && entryName != [0x2E, 0x2E] { entries.append(entryName) }
    }
    for entryName in entries {
      let refName = name + entryName
      let path = String(decoding: root + refName, as: UTF8.self)
      switch FileKind(path) {
      case .directory: try forEachLooseReference(root: root, name: refName + [0x2F], body)
      // A `.lock` file is a writer's new value, not yet a reference.
      case .file where !entryName.reversed().starts(with: Array(".lock".utf8.reversed())):
        // Gone since the listing (packed meanwhile): its packed entry stands.
        guard let content = try Self.readFile(path) else { continue }
        if content.starts(with: Array("ref:".utf8)) { continue }
        let hexLength = Int(GIT_OID_HEXSZ)
        guard content.count > hexLength, content[hexLength] == 0x0A || content[hexLength] == 0x20,
          let target = content.withUnsafeBufferPointer({
            ObjectID(hex: UnsafeBufferPointer(rebasing: $0[0..<hexLength]))
          })
        else {
          throw GitError(.invalidObject, "cannot read reference \(path): it holds no object id")
        }
        try body(refName, target)
      default: continue
      }
    }
  }

  private enum FileKind {
    case directory, file, other

    init(_ path: String) {
      var status = stat()
      guard lstat(path, &status) == 0 else {
        self = .other
        return
      }
      switch status.st_mode & S_IFMT {
      case S_IFDIR: self = .directory
      case S_IFREG: self = .file
      default: self = .other
      }
    }
  }

  /// The whole file, or nil when it does not exist.
  static func readFile(_ path: String) throws -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT { return nil }
      throw GitError(.other(-1), "cannot open \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    var status = stat()
    var bytes = [UInt8]()
    if fstat(fd, &status) == 0 { bytes.reserveCapacity(Int(status.st_size)) }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = Glibc.read(fd, &chunk, chunk.count)
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        throw GitError(.other(-1), "cannot read \(path): \(String(cString: strerror(errno)))")
      }
      bytes += chunk[0..<count]
    }
    return bytes
  }
}

extension ObjectID {
  /// Parses 40 hex digits given as bytes; nil for anything else.
  init?(hex bytes: UnsafeBufferPointer<UInt8>) {
    guard bytes.count == Int(GIT_OID_HEXSZ), bytes.allSatisfy(Self.isHexDigit) else { return nil }
    var oid = git_oid()
    let parsed = bytes.withMemoryRebound(to: CChar.self) { git_oid_fromstrn(&oid, $0.baseAddress, $0.count) }
    guard parsed == 0 else { return nil }
    self.init(oid)
  }
}
