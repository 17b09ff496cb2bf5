import ArgumentParser

/// `showrunner partners ...`: tools for the signed partner API.
struct PartnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partners", abstract: "Tools for the signed partner API.", subcommands: [PartnersReconcileCommand.self])
}
