import ArgumentParser
import DraftKit

extension Palette.Choice: ExpressibleByArgument {}

/// `--color` as git spells it.
struct ColorOptions: ParsableArguments {
  @Option(name: .long, help: "When to colour output: auto, always or never.")
  var color: Palette.Choice?

  func palette(_ draft: Draft) -> Palette {
    Palette.decide(color, configuration: try? draft.configuration())
  }
}

/// `-m TEXT` or `-F FILE|-` for a ticket body or a comment.
struct TextOptions: ParsableArguments {
  // Unconditional, as `git commit -m` is: text may start with a dash.
  @Option(
    name: .customShort("m"), parsing: .unconditional, help: ArgumentHelp("The text.", valueName: "text"))
  var message: String?

  @Option(
    name: .customShort("F"),
    help: ArgumentHelp("Read the text from FILE ('-' for standard input).", valueName: "file"))
  var file: String?

  func validate() throws {
    if message != nil && file != nil { throw ValidationError("give the text with -m or -F, not both") }
  }

  /// The text given, or nil when neither option was used.
  func text() throws -> String? {
    if let file { return try TextInput.read(file) }
    return message
  }
}

extension WorkflowState: ExpressibleByArgument {
  public init?(argument: String) {
    guard let state = try? WorkflowState(parsing: argument) else { return nil }
    self = state
  }
}

/// A priority given as 0-4 or a word.
struct PriorityArgument: ExpressibleByArgument {
  var value: Int
  init?(argument: String) {
    guard let value = try? Priority.parse(argument) else { return nil }
    self.value = value
  }
}
