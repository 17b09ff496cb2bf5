import ArgumentParser
import Engine
import EngineCore

/// The `showrunner` executable: serve the API, issue tokens; later also `scripts`, `demo`
/// and `reconcile`, each a subcommand in `CLI/`.
@main
struct ShowrunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showrunner",
        abstract: "Live-operations engine for livestreaming platforms.",
        version: Showrunner.version,
        subcommands: [
            ServeCommand.self, TokenCommand.self, ScriptsCommand.self, DemoCommand.self, ReconcileCommand.self, ReplayCommand.self,
            PartnersCommand.self, QueuesCommand.self, SettleCommand.self,
        ]
    )
}
