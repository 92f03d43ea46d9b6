import CLibgit2
import Glibc

extension Repository {
  /// A snapshot of the repository's configuration (system, global, local), read once, with
  /// the values given to git on its command line (`git -c key=value draft ...`) on top.
  public func configuration() throws -> Configuration {
    var config: OpaquePointer?
    try check(git_repository_config_snapshot(&config, pointer), "cannot read the git configuration")
    return Configuration(config!, overrides: CommandLineConfiguration.fromEnvironment())
  }
}

/// Read access to git configuration values.
public final class Configuration {
  let pointer: OpaquePointer
  /// `git -c` values by normalized key, in the order given.
  let overrides: [String: [String]]

  init(_ pointer: OpaquePointer, overrides: [String: [String]]) {
    self.pointer = pointer
    self.overrides = overrides
  }

  deinit { git_config_free(pointer) }

  /// The configuration in one file of git-config syntax (as `.gitmodules` is read), nothing else.
  public static func file(_ path: String) throws -> Configuration {
    var config: OpaquePointer?
    try check(git_config_open_ondisk(&config, path), "cannot read the configuration file \(path)")
    return Configuration(config!, overrides: [:])
  }

  public func string(_ key: String) throws -> String? {
    if let value = overrides[CommandLineConfiguration.normalize(key)]?.last { return value }
    var buffer = git_buf()
    let result = git_config_get_string_buf(&buffer, pointer, key)
    if result == GIT_ENOTFOUND.rawValue { return nil }
    try check(result, "cannot read \(key) from the git configuration")
    defer { git_buf_dispose(&buffer) }
    return String(cString: buffer.ptr)
  }

  /// A boolean as git reads one (`true`/`yes`/`on`/`1`, `false`/`no`/`off`/`0`/empty; a key
  /// written without `=` is true); nil when unset. Any other value is an error naming the key.
  public func bool(_ key: String) throws -> Bool? {
    var value: Int32 = 0
    if let text = overrides[CommandLineConfiguration.normalize(key)]?.last {
      _ = try check(git_config_parse_bool(&value, text), "\(key) must be true or false")
      return value != 0
    }
    let result = git_config_get_bool(&value, pointer, key)
    if result == GIT_ENOTFOUND.rawValue { return nil }
    _ = try check(result, "\(key) must be true or false")
    return value != 0
  }

  /// Every value of a multi-valued key, in the order git reads them.
  public func strings(_ key: String) throws -> [String] {
    var values: [String] = []
    var iterator: OpaquePointer?
    let result = git_config_multivar_iterator_new(&iterator, pointer, key, nil)
    if result != GIT_ENOTFOUND.rawValue {
      try check(result, "cannot read \(key) from the git configuration")
      defer { git_config_iterator_free(iterator) }
      var entry: UnsafeMutablePointer<git_config_entry>?
      while true {
        let step = git_config_next(&entry, iterator)
        if step == GIT_ITEROVER.rawValue { break }
        try check(step, "cannot read \(key) from the git configuration")
        if let value = entry?.pointee.value { values.append(String(cString: value)) }
      }
    }
    return values + (overrides[CommandLineConfiguration.normalize(key)] ?? [])
  }
}

/// git passes `-c` values to the commands it runs in the environment; libgit2 does not read
/// them, so they are read here: `GIT_CONFIG_PARAMETERS` (`'key'='value' ...`, shell-quoted)
/// and `GIT_CONFIG_COUNT` with `GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`.
enum CommandLineConfiguration {
  static func fromEnvironment() -> [String: [String]] {
    var values: [String: [String]] = [:]
    if let text = variable("GIT_CONFIG_PARAMETERS") {
      for (key, value) in parse(text) { values[normalize(key), default: []].append(value) }
    }
    if let count = variable("GIT_CONFIG_COUNT").flatMap(Int.init), count > 0 {
      for n in 0..<count {
        guard let key = variable("GIT_CONFIG_KEY_\(n)") else { continue }
        values[normalize(key), default: []].append(variable("GIT_CONFIG_VALUE_\(n)") ?? "")
      }
    }
    return values
  }

  /// Section and name are case-insensitive; a subsection (between them) is not.
  static func normalize(_ key: String) -> String {
    guard let first = key.firstIndex(of: "."), let last = key.lastIndex(of: ".") else {
      return key.lowercased()
    }
    return key[..<first].lowercased() + key[first..<last] + key[last...].lowercased()
  }

  /// Parses `'a.b'='value' 'c.d=value'` as git's `sq_quote` writes it (a quote inside is `'\''`).
  static func parse(_ text: String) -> [(String, String)] {
    var result: [(String, String)] = []
    var characters = Substring(text)
    func quoted() -> String? {
      guard characters.first == "'" else { return nil }
      characters.removeFirst()
      var out = ""
      while let character = characters.popFirst() {
        if character != "'" {
          out.append(character)
          continue
        }
        // `'\x'` continues the quoted word with a literal x.
        guard characters.first == "\\" else { return out }
        characters.removeFirst()
        if let escaped = characters.popFirst() { out.append(escaped) }
        guard characters.first == "'" else { return out }
        characters.removeFirst()
      }
      return out
    }
    while true {
      while characters.first == " " { characters.removeFirst() }
      guard let word = quoted() else { break }
      if characters.first == "=" {
        characters.removeFirst()
        result.append((word, quoted() ?? ""))
      } else if let equals = word.firstIndex(of: "=") {
        result.append((String(word[..<equals]), String(word[word.index(after: equals)...])))
      } else {
        result.append((word, "true"))
      }
    }
    return result
  }

  private static func variable(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }
}
