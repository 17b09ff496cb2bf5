import ArgumentParser

/// `showrunner scripts ...`: check, test, stubs, reload, rollback.
struct ScriptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scripts",
        abstract: "Validate and test scripts, generate editor stubs, reload or roll back a running server.",
        subcommands: [ScriptsCheckCommand.self, ScriptsTestCommand.self, ScriptsStubsCommand.self, ScriptsReloadCommand.self, ScriptsRollbackCommand.self]
    )
}
