import ArgumentParser
import DraftKit

struct HooksCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hooks",
    abstract: "Install or remove the git hooks that verify draft commits and push the board.",
    subcommands: [Install.self, Uninstall.self])

  struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Put git-draft's hooks in place; existing hooks keep running after them.")

    func run() throws {
      let report = try Draft().installHooks()
      for entry in report.entries {
        let verb = entry.action == .updated ? "Updated" : "Installed"
        var line = "\(verb) \(entry.name) in \(report.directory)"
        if entry.movedAside {
          line += "; your \(entry.name) is now \(entry.name)\(HookScripts.previousSuffix) and runs after it"
        } else if entry.previous {
          line += "; it runs \(entry.name)\(HookScripts.previousSuffix) after itself"
        }
        Output.line(line)
      }
    }
  }

  struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove git-draft's hooks and put back the hooks they replaced.")

    func run() throws {
      let report = try Draft().uninstallHooks()
      for entry in report.entries {
        let restored = "restored your \(entry.name) from \(entry.name)\(HookScripts.previousSuffix)"
        switch entry.action {
        case .removed:
          Output.line(
            "Removed \(entry.name) from \(report.directory)" + (entry.previous ? "; \(restored)" : ""))
        case .absent:
          Output.line(
            entry.previous
              ? "Restored your \(entry.name) in \(report.directory) from \(entry.name)\(HookScripts.previousSuffix)"
              : "No git-draft \(entry.name) hook in \(report.directory)")
        case .foreign:
          Output.line("Left \(entry.name) in \(report.directory) alone: git-draft did not install it")
        case .installed, .updated:
          break
        }
      }
    }
  }
}
