import Books
import Engine
import GRDB

extension Store: LedgerStore {
    /// Runs `body` in a write transaction with the ledger's rows (`write`).
    public func ledgerWrite<T: Sendable>(_ ledger: Ledger, _ body: @escaping @Sendable (any LedgerRows) throws -> T) async throws -> T {
        try await write { db in try body(SQLiteTransaction(db: db, ledger: ledger)) }
    }

    /// Runs `body` in a read transaction with the ledger's rows (`read`).
    public func ledgerRead<T: Sendable>(_ ledger: Ledger, _ body: @escaping @Sendable (any LedgerRows) throws -> T) async throws -> T {
        try await read { db in try body(SQLiteTransaction(db: db, ledger: ledger)) }
    }
}

/// The ledger for code that still holds the store's connection (journal consumers, the gift
/// writer, tests): each call wraps `db` as the ledger's rows and runs the ledger's logic.
extension Ledger {
    /// The SQLite store under this ledger. The storage layer's SQL runs only over its own store,
    /// which is the one `LedgerStore` the engine is built with (`EngineParts.open`).
    var sqliteStore: Store {
        guard let store = store as? Store else { preconditionFailure("a ledger over a \(type(of: store)) has no SQLite rows") }
        return store
    }

    /// The ledger's rows on `db`.
    func rows(_ db: Database) -> SQLiteTransaction { SQLiteTransaction(db: db, ledger: self) }

    public func apply(_ db: Database, _ chain: [TransferRequest], now nowMillis: Int64) throws -> [Transfer] {
        try apply(rows(db), chain, now: nowMillis)
    }

    public func apply(_ db: Database, _ chain: [TransferRequest], now nowMillis: Int64, callerRollsBack: Bool) throws -> [Transfer] {
        try apply(rows(db), chain, now: nowMillis, callerRollsBack: callerRollsBack)
    }

    public func apply(_ db: Database, operations chain: [LedgerOperation], now nowMillis: Int64) throws -> [Transfer] {
        try apply(rows(db), operations: chain, now: nowMillis)
    }

    public func balances(_ db: Database, user: String) throws -> [String: Int64] { try balances(rows(db), user: user) }
    public func balance(_ db: Database, _ account: AccountID) throws -> Int64 { try balance(rows(db), account) }
    public func balance(_ db: Database, _ account: AccountID, through seq: Int64) throws -> Int64 { try balance(rows(db), account, through: seq) }
    public func transferExists(_ db: Database, id: String) throws -> Bool { try transferExists(rows(db), id: id) }

    public func available(_ db: Database, _ account: AccountID, now nowMillis: Int64) throws -> Int64 {
        try available(rows(db), account, now: nowMillis)
    }

    public func pendingStatus(_ db: Database, id: String, now nowMillis: Int64) throws -> PendingStatus {
        try pendingStatus(rows(db), id: id, now: nowMillis)
    }

    public func expirePending(_ db: Database, now nowMillis: Int64, limit: Int = Ledger.expireBatchMax) throws -> [Transfer] {
        try expirePending(rows(db), now: nowMillis, limit: limit)
    }

    func expireDue(_ db: Database, debiting account: AccountID, nowMillis: Int64) throws {
        try expireDue(rows(db), debiting: account, nowMillis: nowMillis)
    }

    public func transfers(_ db: Database, idPrefix prefix: String) throws -> [Transfer] { try transfers(rows(db), idPrefix: prefix) }
    func movedTransfer(_ db: Database, id: String) throws -> Transfer? { try movedTransfer(rows(db), id: id) }
}

extension Reconciliation {
    /// `check(_:)` on a connection inside a read or write transaction.
    public func check(_ db: Database) throws -> ReconciliationReport { try check(SQLiteTransaction(noLedger: db)) }
}

extension GiftReconciliation {
    /// `check(_:)` on a connection inside a read or write transaction.
    public static func check(_ db: Database) throws -> [String] { try check(SQLiteTransaction(noLedger: db)) }
}
