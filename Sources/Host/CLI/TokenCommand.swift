import ArgumentParser

/// `showrunner token`: token utilities.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue access tokens.",
        subcommands: [IssueTokenCommand.self]
    )
}
