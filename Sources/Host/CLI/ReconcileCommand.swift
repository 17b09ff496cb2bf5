import ArgumentParser
import Engine
import Foundation
import Logging
import Showrunner

/// `showrunner reconcile [--db FILE] [--repair]`: checks every money invariant, that gifts and
/// transfers match, that every ticket an order held is posted, voided or still held, and that
/// journal consumers are caught up; prints a report and exits 1 on a violation. `--repair` first
/// lets the consumers apply every missing effect (each exactly once).
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reconcile", abstract: "Check the ledger, gifts and consumers.")

    @Option(help: "SQLite database file.") var db = "showrunner.sqlite"
    @Option(help: "Scripts folder (after_commit steps run during --repair).") var scripts = "Scripts"
    @Flag(help: "Apply missing consumer effects before checking.") var repair = false
    @OptionGroup var assetOptions: AssetOptions

    func run() async throws {
        var logger = Logger(label: "showrunner.reconcile")
        logger.logLevel = .warning
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("no database at \(db)") }
        let engine = try EngineParts.open(
            databasePath: db, scriptsPath: scripts, ledgerConfiguration: try assetOptions.configuration(), logger: logger)
        if repair {
            try await engine.loadScripts()
            let report = try await engine.consumers.drain()
            print("repair: consumers drained (\(report))")
        }
        let (ledger, gifts) = try await engine.ledger.reconcile()
        let orders = try await engine.orders.reconcile()
        let lag = try await engine.consumers.lag().filter { $0.value > 0 }
        // The earnings aggregates equal the revenue the ledger issued once their consumer is caught up.
        let earnings = lag["earnings"] == nil ? try await engine.earnings.reconcile() : []
        print("ledger: \(ledger.transfers) transfers, \(ledger.accounts) accounts, \(ledger.violations.count) violations")
        for v in ledger.violations { print("  \(v)") }
        print("gifts: \(gifts.count) violations")
        for g in gifts { print("  \(g)") }
        print("orders: \(orders.orders) orders, \(orders.held) tickets held = \(orders.posted) posted + \(orders.voided) voided + \(orders.open) still held, \(orders.violations.count) violations")
        for o in orders.violations { print("  \(o)") }
        print("earnings: " + (lag["earnings"] != nil ? "behind" : "\(earnings.count) violations"))
        for e in earnings { print("  \(e)") }
        print("consumers: " + (lag.isEmpty ? "caught up" : lag.sorted { $0.key < $1.key }.map { "\($0.key) behind by \($0.value)" }.joined(separator: ", ")))
        if !ledger.isClean || !gifts.isEmpty || !orders.isClean || !lag.isEmpty || !earnings.isEmpty { throw ExitCode(1) }
        print("ok")
    }
}
