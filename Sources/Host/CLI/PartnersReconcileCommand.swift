import ArgumentParser
import Engine
import EngineCore
import Foundation
import Logging
import Showrunner

/// `showrunner partners reconcile --db FILE --partner P --date D --file THEIRS.csv`: compares a
/// partner's statement file (the columns of `GET /v1/partner/statements/{date}`) with the day's
/// debits and refunds in the database; prints each mismatch on its own line and exits 1 on any,
/// 0 when both sides agree.
struct PartnersReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile", abstract: "Compare a partner's daily statement file with ours.")

    @Option(help: "SQLite database file.") var db = "showrunner.sqlite"
    @Option(help: "The partner's id.") var partner: String
    @Option(help: "The day, YYYY-MM-DD (in --time-zone).") var date: String
    @Option(help: "The partner's statement CSV.") var file: String
    @Option(help: "Operations time zone (where days begin), as the server runs with.") var timeZone = "UTC"

    func validate() throws {
        guard Partners.isValidPartnerID(partner) else { throw ValidationError("--partner: not a partner id") }
        guard OperationsCalendar(identifier: timeZone) != nil else { throw ValidationError("unknown --time-zone '\(timeZone)'") }
    }

    func run() async throws {
        let mismatches = try await mismatches()
        for mismatch in mismatches { print(mismatch) }
        if !mismatches.isEmpty {
            print("\(mismatches.count) mismatches")
            throw ExitCode(1)
        }
        print("ok")
    }

    /// Every difference between the file and the database, in the order printed.
    /// - Throws: `ValidationError` for a missing database or an unreadable or malformed file.
    func mismatches() async throws -> [PartnerReconciliation.Mismatch] {
        var logger = Logger(label: "showrunner.partners")
        logger.logLevel = .warning
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("no database at \(db)") }
        let theirs = try Self.read(file)
        let calendar = OperationsCalendar(identifier: timeZone) ?? OperationsCalendar()
        let engine = try EngineParts.open(databasePath: db, scriptsPath: "Scripts", calendar: calendar, logger: logger)
        let ours: PartnerStatement
        do {
            ours = try await engine.partners.statements.statement(partner: partner, date: date)
        } catch let error as PartnerError {
            throw ValidationError("--date: \(error.message)")
        }
        return PartnerReconciliation.compare(ours: ours.rows, theirs: theirs)
    }

    /// Reads and parses a statement file, bounded by `PartnerReconciliation.fileBytesMax`.
    static func read(_ path: String) throws -> [PartnerStatementRow] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else { throw ValidationError("cannot read \(path)") }
        guard size <= PartnerReconciliation.fileBytesMax else {
            throw ValidationError("\(path) is larger than \(PartnerReconciliation.fileBytesMax) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("cannot read \(path) as UTF-8 text")
        }
        do {
            return try PartnerReconciliation.parse(text)
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }
}
