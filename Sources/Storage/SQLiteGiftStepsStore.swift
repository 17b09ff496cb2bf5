import Books
import Engine
import EngineCore
import Scripting

/// `GiftStepsStore` on the SQLite store: the live-ops tables (`SQLiteLiveOpsStore`) and
/// `gift_refunds`, in the store's transactions, with `ledger` for the grants the steps make.
///
/// The gift-steps statements are methods of `SQLiteTransaction` itself (`extension
/// SQLiteTransaction: GiftStepsTransaction`), as the live-ops ones are: the consumer runs in the
/// transaction object the journal consumers' runner opens, once per batch, and
/// `transaction(_:)` hands that same object back, so a gift costs no allocation on the way to
/// its statements.
public struct SQLiteGiftStepsStore: GiftStepsStore {
    let store: Store
    let ledger: Ledger

    /// - Parameters: store: the database, migrated; ledger: the ledger the steps' grants move
    ///   through, in the same transactions.
    public init(_ store: Store, ledger: Ledger) {
        self.store = store
        self.ledger = ledger
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any GiftStepsTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.write({ db in SQLiteTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any GiftStepsTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.read({ db in SQLiteTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    public func transaction(_ tx: any StoreTransaction) -> any GiftStepsTransaction {
        guard let sqlite = tx as? SQLiteTransaction else { preconditionFailure("a \(type(of: tx)) is not a SQLite transaction") }
        return sqlite
    }
}

extension SQLiteTransaction: GiftStepsTransaction {
    /// Also `GiftRefundTransaction.isRefunded(offset:)` (`SQLiteGiftRefundTransaction`).
    /// One query for a batch of gifts: the refunds at or after the first offset asked, kept
    /// (`refundsFrom`) for the later ones.
    func isRefunded(offset: Int64) throws -> Bool {
        if let known = refundsFrom, offset >= known.from { return known.offsets.contains(offset) }
        let offsets = try SQLiteGiftRefundStore.refunded(db, atOrAfter: offset)
        refundsFrom = (offset, offsets)
        return offsets.contains(offset)
    }
}

extension GiftStepsConsumer {
    /// The gift steps over the SQLite store `ledger` keeps its books in.
    /// - Parameters: as `init(store:scripts:ledger:calendar:events:)`.
    public init(
        scripts: ScriptRuntime, ledger: Ledger, calendar: OperationsCalendar = OperationsCalendar(), events: HandlerEvents = HandlerEvents()
    ) {
        self.init(
            store: SQLiteGiftStepsStore(ledger.sqliteStore, ledger: ledger), scripts: scripts, ledger: ledger, calendar: calendar, events: events)
    }
}
