import ArgumentParser
import Engine
import EngineCore
import Foundation
import Logging
import Showrunner
import Synchronization

/// `showrunner settle ...`: the monthly close (run, confirm, adjust, report).
struct SettleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Close a month: draft statements, confirm and pay out, adjust, report.",
        subcommands: [SettleRunCommand.self, SettleConfirmCommand.self, SettleAdjustCommand.self, SettleReportCommand.self]
    )
}

/// What every `settle` command takes.
struct SettleOptions: ParsableArguments {
    @Option(help: "SQLite database file.") var db = "showrunner.sqlite"
    @Option(help: "Operations time zone, as serve takes it (where days and months begin).") var timeZone = "UTC"
    @OptionGroup var assetOptions: AssetOptions

    func open(scripts: String = "Scripts") throws -> EngineParts {
        var logger = Logger(label: "showrunner.settle")
        logger.logLevel = .warning
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("no database at \(db)") }
        guard let calendar = OperationsCalendar(identifier: timeZone) else { throw ValidationError("unknown --time-zone '\(timeZone)'") }
        return try EngineParts.open(
            databasePath: db, scriptsPath: scripts, ledgerConfiguration: try assetOptions.configuration(), calendar: calendar, logger: logger)
    }
}

/// Prints an engine error as `code: message` and exits 1.
func settleFailure(_ error: any Error) -> ExitCode {
    let text = (error as? any ShowrunnerError).map { "\($0.code): \($0.message)" } ?? "\(error)"
    FileHandle.standardError.write(Data((text + "\n").utf8))
    return ExitCode(1)
}

/// `showrunner settle run 2026-10 [--db FILE] [--scripts DIR]`: brings the earnings up to date
/// (the journal consumers catch up), then computes the month's draft statements with the
/// scripts' `settlement_policy`. A progress bar with an ETA is drawn on a terminal only.
struct SettleRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Compute a month's draft statements.")

    @Argument(help: "The month, YYYY-MM.") var month: String
    @Option(help: "Scripts folder (its settlement_policy computes the statements).") var scripts = "Scripts"
    @Option(help: "Who runs it (recorded on the month).") var by = "cli"
    @OptionGroup var options: SettleOptions

    func run() async throws {
        let engine = try options.open(scripts: scripts)
        do {
            try await engine.loadScripts()
            _ = try await engine.consumers.drain()
            guard let generation = engine.scripts.current else { throw ValidationError("no scripts loaded from \(scripts)") }
            let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
            let result = try await engine.settlement.run(month: month, generation: generation, by: by) { done, total in bar.draw(done, total) }
            bar.finish()
            let streamers = result.statements.filter { $0.ownerKind == "streamer" }
            print("\(result.month): \(result.state.rawValue), \(streamers.count) streamers, \(result.statements.count - streamers.count) guilds")
            print("total \(result.statements.reduce(Int64(0)) { $0 &+ $1.total }), payouts \(result.statements.reduce(Int64(0)) { $0 &+ $1.payout })")
            print("inputs \(result.inputsHash ?? ""), policy generation \(result.policyGeneration ?? "")")
        } catch let e as ValidationError {
            throw e
        } catch {
            throw settleFailure(error)
        }
    }
}

/// A progress bar with an ETA on standard error, redrawn at most every 100 ms; nothing when
/// standard error is not a terminal.
final class ProgressBar: Sendable {
    let enabled: Bool
    let start = Date()
    let last = Mutex(Date(timeIntervalSince1970: 0))

    init(enabled: Bool) { self.enabled = enabled }

    func draw(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let now = Date()
        let due = last.withLock { last in
            guard now.timeIntervalSince(last) >= 0.1 || done == total else { return false }
            last = now
            return true
        }
        guard due else { return }
        let width = 30
        let filled = width * done / total
        let elapsed = now.timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total) ETA \(Int(eta.rounded()))s "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// `showrunner settle confirm 2026-10`: freezes the month and posts its payouts.
struct SettleConfirmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "confirm", abstract: "Freeze a reviewed month and post its payouts.")

    @Argument(help: "The month, YYYY-MM.") var month: String
    @Option(help: "Who confirms it (recorded on the month).") var by = "cli"
    @OptionGroup var options: SettleOptions

    func run() async throws {
        let engine = try options.open()
        do {
            let result = try await engine.settlement.confirm(month: month, by: by)
            let posted = result.statements.filter { $0.payout != 0 }.count
            print("\(result.month): confirmed, \(posted) payouts posted")
        } catch {
            throw settleFailure(error)
        }
    }
}

/// `showrunner settle adjust 2026-10 --streamer ID --amount N --reason TEXT --by WHO`.
struct SettleAdjustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adjust", abstract: "Record a finance adjustment (it lands in the next open month when the month is confirmed).")

    @Argument(help: "The month, YYYY-MM.") var month: String
    @Option(help: "A streamer id.") var streamer: String?
    @Option(help: "A guild id.") var guild: String?
    @Option(help: "Amount, non-zero; negative takes back.") var amount: Int64
    @Option(help: "Why.") var reason: String
    @Option(help: "Who makes it.") var by: String
    @OptionGroup var options: SettleOptions

    func run() async throws {
        guard (streamer == nil) != (guild == nil) else { throw ValidationError("give one of --streamer and --guild") }
        let engine = try options.open()
        do {
            let a = try await engine.settlement.adjust(
                month: month,
                SettlementAdjustmentRequest(ownerKind: streamer != nil ? "streamer" : "guild", ownerID: streamer ?? guild ?? "", amount: amount, reason: reason),
                by: by)
            print("adjustment \(a.id) in \(a.month)" + (a.refersToMonth.map { " (corrects \($0))" } ?? ""))
        } catch {
            throw settleFailure(error)
        }
    }
}

/// `showrunner settle report 2026-10 --out DIR`: writes `statements.csv`, `guilds.csv` and
/// `report.html` (a chart of the month as inline SVG; nothing is fetched).
struct SettleReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Write a month's statements as CSV and HTML.")

    @Argument(help: "The month, YYYY-MM.") var month: String
    @Option(help: "Folder to write into (created if missing).") var out: String
    @OptionGroup var options: SettleOptions

    func run() async throws {
        let engine = try options.open()
        let report: SettlementReport
        do {
            report = try await engine.settlement.report(month: month)
        } catch {
            throw settleFailure(error)
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for (name, text) in [("statements.csv", report.statementsCSV), ("guilds.csv", report.guildsCSV), ("report.html", report.html)] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(name))
        }
        print("wrote \(out)/statements.csv, guilds.csv, report.html")
    }
}
