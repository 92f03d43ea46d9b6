import ArgumentParser
import DraftKit

struct ReviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "review",
    abstract: "Summarise a ticket's work for review: revisions, verification, decisions, open comments.")

  @Argument(help: "The ticket id.")
  var id: String

  @Flag(help: "Print a JSON object.")
  var json = false

  @OptionGroup var colors: ColorOptions

  func run() throws {
    let draft = try Draft()
    let review = try draft.review(id)
    if json {
      Output.line(ReviewJSON.object(review).serialized(pretty: true))
    } else {
      Output.line(ReviewPrinter(palette: colors.palette(draft)).text(review))
    }
  }
}
