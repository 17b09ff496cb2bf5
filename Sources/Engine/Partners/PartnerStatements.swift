import EngineCore
import Foundation

/// A partner's daily statement: one row per debit and per refund made that day (the engine's
/// `OperationsCalendar` day: UTC unless the server runs with another time zone), then a totals
/// row; as CSV (`PartnerStatement.csv`), the format partners reconcile against.
public struct PartnerStatements: Sendable {
    /// Most rows one statement carries.
    public static let rowsMax = 100_000

    let store: any PartnerStore
    let calendar: OperationsCalendar

    /// - Parameters: store: where the rows are read; calendar: where days begin.
    public init(store: any PartnerStore, calendar: OperationsCalendar = OperationsCalendar()) {
        self.store = store
        self.calendar = calendar
    }

    /// The statement of `partner` for the day `date` (`YYYY-MM-DD`).
    /// - Throws: `PartnerError` `.invalid("date")` (400), `.statementTooLarge` (422).
    public func statement(partner: String, date: String) async throws -> PartnerStatement {
        let (start, end) = try day(date)
        let limit = Self.rowsMax + 1
        let rows = try await store.statementRows(partnerID: partner, from: start, to: end, limit: limit)
        guard rows.count <= Self.rowsMax else { throw PartnerError.statementTooLarge(rowsMax: Self.rowsMax) }
        return try PartnerStatement(rows: rows.sorted { ($0.atMillis, $0.kind.rawValue, $0.key) < ($1.atMillis, $1.kind.rawValue, $1.key) })
    }

    /// The first and the after-last millisecond of the calendar day `date`.
    /// - Throws: `PartnerError.invalid("date")` unless `date` is a real `YYYY-MM-DD` day of years 1970...9999.
    func day(_ date: String) throws(PartnerError) -> (Int64, Int64) {
        let invalid = PartnerError.invalid("date", "a day as YYYY-MM-DD")
        let bytes = Array(date.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Int(date.prefix(4)), let month = Int(date.dropFirst(5).prefix(2)), let day = Int(date.suffix(2)),
            [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) }),
            (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { throw invalid }
        var gregorian = Calendar(identifier: .iso8601)
        gregorian.timeZone = calendar.timeZone
        guard let start = gregorian.date(from: DateComponents(year: year, month: month, day: day)) else { throw invalid }
        let startMillis = Int64((start.timeIntervalSince1970 * 1000).rounded())
        // 2026-02-31 would roll over to March: the day must read back as asked.
        guard calendar.key(.daily, at: startMillis) == date, let end = calendar.end(.daily, at: startMillis) else { throw invalid }
        return (startMillis, end)
    }
}
