import ArgumentParser
import Books
import Engine
import Foundation

/// The operator's ledger assets beyond the built-ins (`coins`, `tickets`, `revenue`), shared
/// by every command that opens the engine: a server and a `reconcile --repair` of the same
/// database must agree on them, or grants of a declared asset would be refused and parked.
///
/// Resolved in order: one `--asset NAME` per asset, else the comma-separated
/// `SHOWRUNNER_ASSETS` environment variable, else none.
struct AssetOptions: ParsableArguments {
    /// Environment variable consulted when no `--asset` is given.
    static let environmentVariable = "SHOWRUNNER_ASSETS"

    @Option(
        name: .customLong("asset"),
        help: ArgumentHelp(
            "An asset beyond coins, tickets and revenue, ^[a-z][a-z0-9_]{0,31}$; repeat for more (default: comma-separated $\(AssetOptions.environmentVariable)).",
            valueName: "name"))
    var assets: [String] = []

    /// The declared assets in effect, in the order given.
    func declared(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if !assets.isEmpty { return assets }
        guard let list = environment[Self.environmentVariable] else { return [] }
        return list.split(separator: ",", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The ledger configuration with the declared assets.
    /// - Throws: `ValidationError` naming the flag or variable and the bad asset.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LedgerConfiguration {
        do {
            return try LedgerConfiguration(declaredAssets: declared(environment: environment))
        } catch let error as LedgerError {
            let source = assets.isEmpty ? "$\(Self.environmentVariable)" : "--asset"
            throw ValidationError("\(source): \(error.message)")
        }
    }
}
