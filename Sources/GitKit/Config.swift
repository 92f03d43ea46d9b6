import CLibgit2

extension Repository {
  /// A snapshot of the repository's configuration (system, global, local), read once.
  public func configuration() throws -> Configuration {
    var config: OpaquePointer?
    try check(git_repository_config_snapshot(&config, pointer), "cannot read the git configuration")
    return Configuration(config!)
  }
}

/// Read access to git configuration values.
public final class Configuration {
  let pointer: OpaquePointer

  init(_ pointer: OpaquePointer) { self.pointer = pointer }
  deinit { git_config_free(pointer) }

  public func string(_ key: String) throws -> String? {
    var buffer = git_buf()
    let result = git_config_get_string_buf(&buffer, pointer, key)
    if result == GIT_ENOTFOUND.rawValue { return nil }
    try check(result, "cannot read \(key) from the git configuration")
    defer { git_buf_dispose(&buffer) }
    return String(cString: buffer.ptr)
  }

  /// A boolean value as git reads it (true/yes/on/1...). A value that is not a boolean throws.
  public func bool(_ key: String) throws -> Bool? {
    var value: Int32 = 0
    let result = git_config_get_bool(&value, pointer, key)
    if result == GIT_ENOTFOUND.rawValue { return nil }
    try check(result, "bad value for \(key) in the git configuration")
    return value != 0
  }

  /// Every value of a multi-valued key, in the order git reads them.
  public func strings(_ key: String) throws -> [String] {
    var values: [String] = []
    var iterator: OpaquePointer?
    let result = git_config_multivar_iterator_new(&iterator, pointer, key, nil)
    if result == GIT_ENOTFOUND.rawValue { return [] }
    try check(result, "cannot read \(key) from the git configuration")
    defer { git_config_iterator_free(iterator) }
    var entry: UnsafeMutablePointer<git_config_entry>?
    while true {
      let step = git_config_next(&entry, iterator)
      if step == GIT_ITEROVER.rawValue { break }
      try check(step, "cannot read \(key) from the git configuration")
      if let value = entry?.pointee.value { values.append(String(cString: value)) }
    }
    return values
  }
}
