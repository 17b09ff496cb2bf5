import Books
import Engine
import Foundation
import GRDB
import Synchronization

/// The ledger's clock, kept in memory by the store's one writer: the last ledger time handed
/// out, in microseconds. Ledger time is the larger of the wall time and the last time plus one,
/// so it strictly increases across every row that moves money: transfer rows
/// (`ledger_transfers.ts`) and gift rows (the `ledger_time` of a `gift` journal fact).
///
/// It is read from the database once, the first time it is needed, and kept from then on, so
/// no write reads the history's tail to stamp a row. A time handed out to a write that rolls
/// back is not reused: ledger time has gaps, never repeats.
public final class LedgerClock: Sendable {
    private let last = Mutex<Int64?>(nil)

    init() {}

    /// The ledger time the next row would get, without taking it.
    func peek(_ db: Database, nowMillis: Int64) throws -> Int64 {
        let micros = Self.micros(nowMillis)
        return try last.withLock { last in
            let known = try last ?? Self.load(db)
            last = known
            guard let known else { return micros }
            return max(micros, known + 1)
        }
    }

    /// Takes the next ledger time.
    func next(_ db: Database, nowMillis: Int64) throws -> Int64 {
        let micros = Self.micros(nowMillis)
        return try last.withLock { last in
            let known = try last ?? Self.load(db)
            let ts = known.map { max(micros, $0 + 1) } ?? micros
            last = ts
            return ts
        }
    }

    private static func micros(_ nowMillis: Int64) -> Int64 {
        let (micros, overflow) = nowMillis.multipliedReportingOverflow(by: 1000)
        precondition(!overflow && micros >= 0, "wall time out of range")
        return micros
    }

    /// The last ledger time in the database: the newest transfer row's or the newest gift's.
    private static func load(_ db: Database) throws -> Int64? {
        let transfer = try Int64.fetchOne(db, sql: "SELECT ts FROM ledger_transfers ORDER BY seq DESC LIMIT 1")
        let gift = try String.fetchOne(db, sql: "SELECT payload FROM journal WHERE type = 'gift' ORDER BY offset DESC LIMIT 1")
            .flatMap { try? GiftReceipt(jsonText: $0).ledgerTime }
        switch (transfer, gift) {
        case (nil, nil): return nil
        case (let t?, nil): return t
        case (nil, let g?): return g
        case (let t?, let g?): return max(t, g)
        }
    }
}
