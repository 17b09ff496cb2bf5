import Books
import Engine
import EngineCore
import GRDB
import Scripting

/// `GiftRefundStore` on SQLite: `gift_refunds`, one row per refunded gift.
public struct SQLiteGiftRefundStore: GiftRefundStore {
    let store: Store
    let ledger: Ledger

    public init(_ store: Store, ledger: Ledger) {
        self.store = store
        self.ledger = ledger
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any GiftRefundTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.write({ db in SQLiteGiftRefundTransaction(db: db, ledger: ledger) }, body)
    }

    /// The refunded gifts' offsets at or after `offset`, on the caller's connection (the gift
    /// steps ask once a batch, `SQLiteTransaction.isRefunded(offset:)`).
    static func refunded(_ db: Database, atOrAfter offset: Int64) throws -> Set<Int64> {
        try Set(Int64.fetchAll(db.cachedStatement(sql: "SELECT gift_offset FROM gift_refunds WHERE gift_offset >= ?"), arguments: [offset]))
    }
}

/// `GiftRefundTransaction` on one SQLite connection inside an open transaction (its
/// `isRefunded(offset:)` is `SQLiteTransaction`'s, which the gift steps ask too:
/// `SQLiteGiftStepsStore.swift`).
final class SQLiteGiftRefundTransaction: SQLiteTransaction, GiftRefundTransaction {
    func recordRefund(offset: Int64, reason: String, by operatorID: String, outcomeJSON: String, at ms: Int64) throws {
        refundsFrom = nil
        try db.execute(
            sql: "INSERT INTO gift_refunds (gift_offset, reason, by_user, outcome, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [offset, reason, operatorID, outcomeJSON, ms])
    }

    func scriptReads(calendar: OperationsCalendar) -> any ScriptReads { LedgerReads(db: db, ledger: ledgerEngine, calendar: calendar) }
}

extension GiftRefunds {
    /// Refunds over the SQLite store.
    public init(
        store: Store, ledger: Ledger, scripts: ScriptRuntime, clock: any WallClock = SystemWallClock(),
        calendar: OperationsCalendar = OperationsCalendar()
    ) {
        self.init(store: SQLiteGiftRefundStore(store, ledger: ledger), scripts: scripts, clock: clock, calendar: calendar)
    }
}
