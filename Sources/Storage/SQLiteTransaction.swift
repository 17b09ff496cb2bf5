import Books
import Engine
import GRDB

/// `StoreTransaction` on one SQLite connection inside an open transaction: the ledger, journal
/// and fan-medal parts every domain's transaction shares. Each domain's SQLite transaction
/// (`SQLiteSettlementTransaction`, …) subclasses it and adds its own tables' statements, so one
/// object answers for every part and handing it out as an existential allocates nothing more.
///
/// It is also the ledger's rows (`LedgerRows`, in `SQLiteLedgerRows.swift`): the ledger's logic
/// runs over this same object. The journal's statements still live in `Journal`, which takes the
/// `Database` itself.
class SQLiteTransaction: StoreTransaction, LedgerTransaction, JournalTransaction, FanMedalTransaction {
    let db: Database
    private let engine: Ledger?
    /// The refunded gifts at or after `from`, read once for the many `isRefunded` asks of one
    /// batch (a consumer's gifts come in offset order); dropped when this transaction records
    /// a refund. Only this object's thread touches it, inside its transaction.
    var refundsFrom: (from: Int64, offsets: Set<Int64>)?

    init(db: Database, ledger: Ledger) {
        self.db = db
        self.engine = ledger
    }

    /// A transaction for work that moves no money: journal appends alone, whole-store checks
    /// that only read rows (`Reconciliation.check(_:)` on a connection). The ledger's logic and
    /// clock are not reachable through it.
    init(noLedger db: Database) {
        self.db = db
        self.engine = nil
    }

    /// The ledger whose logic and clock this transaction runs.
    var ledgerEngine: Ledger {
        guard let engine else { preconditionFailure("this transaction was opened without the ledger") }
        return engine
    }

    var ledger: any LedgerTransaction { self }
    var journal: any JournalTransaction { self }
    var fanMedals: any FanMedalTransaction { self }

    func savepoint<T>(_ body: () throws -> T) throws -> T { try db.withSavepoint(body) }

    // MARK: LedgerTransaction

    func apply(_ chain: [TransferRequest], now: Int64) throws -> [Transfer] { try ledgerEngine.apply(self, chain, now: now) }
    func apply(operations: [LedgerOperation], now: Int64) throws -> [Transfer] { try ledgerEngine.apply(self, operations: operations, now: now) }
    func balance(_ account: AccountID) throws -> Int64 { try ledgerEngine.balance(self, account) }
    func balances(user: String) throws -> [String: Int64] { try ledgerEngine.balances(self, user: user) }
    func available(_ account: AccountID, now: Int64) throws -> Int64 { try ledgerEngine.available(self, account, now: now) }
    func pendingStatus(id: String, now: Int64) throws -> PendingStatus { try ledgerEngine.pendingStatus(self, id: id, now: now) }
    // `transferExists(id:)` serves both protocols (`SQLiteLedgerRows.swift`).

    // MARK: JournalTransaction

    func append(type: String, payload: some Encodable, idempotencyKey: String?, at ms: Int64) throws -> JournalEntry {
        try Journal.append(db, type: type, payload: payload, idempotencyKey: idempotencyKey, at: ms)
    }

    func append(type: String, payloadJSON: String, idempotencyKey: String?, at ms: Int64) throws -> JournalEntry {
        try Journal.append(db, type: type, payloadJSON: payloadJSON, idempotencyKey: idempotencyKey, at: ms)
    }

    func appendHostJSON(type: String, json: String, at ms: Int64) throws { try Journal.appendHostJSON(db, type: type, json: json, at: ms) }
    func entry(at offset: Int64) throws -> JournalEntry? { try Journal.entry(db, at: offset) }
    func latestOffset() throws -> Int64 { try Journal.latestOffset(db) }

    // MARK: FanMedalTransaction

    func add(viewer: String, streamer: String, points: Int64, rule: FanMedals.Rule, day: String, now: Int64) throws -> Int64 {
        try SQLitePrivilegeStore.addFanPoints(db, viewer: viewer, streamer: streamer, points: points, rule: rule, day: day, now: now)
    }
}

extension StoreTransaction {
    /// The SQLite connection under this transaction, for the stateless consumer stores
    /// (`SQLiteConsumerStores.swift`). Every transaction the engine hands out is a
    /// `SQLiteTransaction`; any other traps.
    var sqliteDatabase: Database {
        guard let sqlite = self as? SQLiteTransaction else { preconditionFailure("a \(type(of: self)) is not a SQLite transaction") }
        return sqlite.db
    }
}

extension Store: JournalWriter {
    /// Runs `body` in a write transaction (`write`) with the journal alone.
    public func journalWrite<T: Sendable>(_ body: @escaping @Sendable (any JournalTransaction) throws -> T) async throws -> T {
        try await write { db in try body(SQLiteTransaction(noLedger: db)) }
    }

    /// Runs `body` in a write transaction (`write`), handing it `make`'s transaction object.
    func write<Tx: SQLiteTransaction, T: Sendable>(
        _ make: @escaping @Sendable (Database) -> Tx, _ body: @escaping @Sendable (Tx) throws -> T
    ) async throws -> T {
        try await write { db in try body(make(db)) }
    }

    /// Runs `body` in a read transaction (`read`), handing it `make`'s transaction object.
    func read<Tx: SQLiteTransaction, T: Sendable>(
        _ make: @escaping @Sendable (Database) -> Tx, _ body: @escaping @Sendable (Tx) throws -> T
    ) async throws -> T {
        try await read { db in try body(make(db)) }
    }
}
