import Glibc

extension Repository {
  /// Creates many new references at once by adding them to `packed-refs`, as `git pack-refs`
  /// would leave them. Ten thousand loose ref files cost seconds to create (and slow every
  /// later listing); one rewrite of packed-refs costs milliseconds. libgit2 has no bulk API,
  /// so this follows git's own protocol: take `packed-refs.lock` (the lock git and libgit2
  /// use), merge, write, rename. Fails, changing nothing, if any name already exists.
  public func createPackedReferences(_ references: [Reference]) throws {
    for reference in references where try referenceTarget(reference.name) != nil {
      throw GitError(.exists, "cannot create \(reference.name): it already exists")
    }
    try writePacked(references, replacing: false)
  }

  /// Points many references at new targets at once, whatever they pointed at: for refs only
  /// this program keeps (what a remote was last seen to have), never for refs that hold data.
  /// A loose copy of a ref would hide its packed value, so loose copies are removed afterwards.
  public func setPackedReferences(_ references: [Reference]) throws {
    try writePacked(references, replacing: true)
    for reference in references { unlink(commonDirectory + reference.name) }
  }

  private func writePacked(_ references: [Reference], replacing: Bool) throws {
    guard !references.isEmpty else { return }
    let path = commonDirectory + "packed-refs"
    let lockPath = path + ".lock"
    let lock = open(lockPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard lock >= 0 else {
      throw GitError(
        .locked,
        "cannot lock \(lockPath): \(String(cString: strerror(errno))); if no git process is running, remove it"
      )
    }
    var committed = false
    defer {
      close(lock)
      if !committed { unlink(lockPath) }
    }

    // Existing entries keep their lines verbatim (a ref line plus any `^peeled` lines).
    // A new file may promise full peeling (refs to commits need no peel lines); an existing
    // one keeps only the promises its own header made.
    var traits = "peeled fully-peeled"
    var blocks: [(name: Substring, lines: [Substring])] = []
    if let text = try Self.readFile(path).map({ String(decoding: $0, as: UTF8.self) }) {
      traits = ""
      for line in text.split(separator: "\n") {
        if line.hasPrefix("# pack-refs with:") {
          traits = line.dropFirst("# pack-refs with:".count).split(separator: " ").filter { $0 != "sorted" }
            .joined(separator: " ")
        } else if line.hasPrefix("^"), !blocks.isEmpty {
          blocks[blocks.count - 1].lines.append(line)
        } else if let space = line.firstIndex(of: " ") {
          blocks.append((line[line.index(after: space)...], [line]))
        }
      }
    }
    let names = Set(references.map { Substring($0.name) })
    if replacing {
      blocks.removeAll { names.contains($0.name) }
    } else if let taken = blocks.first(where: { names.contains($0.name) }) {
      throw GitError(.exists, "cannot create \(taken.name): it already exists")
    }
    let added = references.map { "\($0.target.hex) \($0.name)" }
    for (reference, line) in zip(references, added) {
      blocks.append((Substring(reference.name), [Substring(line)]))
    }
    blocks.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }

    var out = "# pack-refs with:" + (traits.isEmpty ? "" : " " + traits) + " sorted \n"
    for block in blocks {
      for line in block.lines {
        out += line
        out += "\n"
      }
    }
    var bytes = Array(out.utf8)
    guard Self.writeAll(lock, &bytes), fsync(lock) == 0, rename(lockPath, path) == 0 else {
      throw GitError(.other(-1), "cannot write \(path): \(String(cString: strerror(errno)))")
    }
    committed = true
  }

  private static func writeAll(_ fd: Int32, _ bytes: inout [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if written <= 0 { return false }
      offset += written
    }
    return true
  }
}
