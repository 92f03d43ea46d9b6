import ArgumentParser
import DraftKit

/// What the installed hook scripts call: `git draft hook NAME ARGS...`. Always exits 0.
struct HookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hook",
    abstract: "Run git-draft's part of a git hook (called by the installed hook scripts).",
    shouldDisplay: false)

  @Argument(help: "The hook's name, for example post-commit.")
  var name: String

  @Argument(parsing: .captureForPassthrough, help: "The arguments git gave the hook.")
  var arguments: [String] = []

  func run() {
    let result = Draft.runHook(name: name, arguments: arguments)
    for line in result.lines { Output.line(line) }
    for warning in result.warnings { Output.warn(warning) }
  }
}
