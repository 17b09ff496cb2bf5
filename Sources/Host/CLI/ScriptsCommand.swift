import ArgumentParser

/// `showrunner scripts ...`: check, stubs, reload, rollback.
struct ScriptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scripts",
        abstract: "Validate scripts, generate editor stubs, reload or roll back a running server.",
        subcommands: [ScriptsCheckCommand.self, ScriptsStubsCommand.self, ScriptsReloadCommand.self, ScriptsRollbackCommand.self]
    )
}
