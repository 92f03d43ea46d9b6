import GitKit
import Glibc

/// Colour for human output, decided as git decides it: `--color`, then `NO_COLOR`, then
/// `color.ui`, and in `auto` mode only when standard output is a terminal.
public struct Palette: Sendable {
  public enum Choice: String, Sendable, CaseIterable {
    case auto, always, never
  }

  public let enabled: Bool

  public init(enabled: Bool) { self.enabled = enabled }

  public static func decide(_ flag: Choice?, configuration: Configuration?) -> Palette {
    var choice = flag ?? .auto
    if flag == nil {
      if let value = getenv("NO_COLOR"), value.pointee != 0 { return Palette(enabled: false) }
      if let ui = try? configuration?.string("color.ui")?.lowercased() {
        switch ui {
        case "always": choice = .always
        case "never", "false", "off", "no", "0": choice = .never
        default: choice = .auto
        }
      }
    }
    switch choice {
    case .always: return Palette(enabled: true)
    case .never: return Palette(enabled: false)
    case .auto:
      let term = getenv("TERM").map { String(cString: $0) } ?? ""
      return Palette(enabled: isatty(STDOUT_FILENO) == 1 && term != "dumb")
    }
  }

  func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1b}[\(code)m\(text)\u{1b}[m" : text }

  public func id(_ text: String) -> String { paint(text, "33") }
  public func dim(_ text: String) -> String { paint(text, "2") }
  public func bold(_ text: String) -> String { paint(text, "1") }
  public func label(_ text: String) -> String { paint(text, "36") }
  public func warning(_ text: String) -> String { paint(text, "31") }

  public func state(_ state: WorkflowState, _ text: String? = nil) -> String {
    let code =
      switch state {
      case .proposed: "37"
      case .planned: "34"
      case .executing, .verifying: "35"
      case .needsHuman: "33;1"
      case .blocked: "31"
      case .done: "32"
      case .abandoned: "2"
      }
    return paint(text ?? state.rawValue, code)
  }

  public func priority(_ priority: Int, _ text: String) -> String {
    switch priority {
    case 0: paint(text, "31;1")
    case 1: paint(text, "31")
    case 2: text
    default: paint(text, "2")
    }
  }
}
