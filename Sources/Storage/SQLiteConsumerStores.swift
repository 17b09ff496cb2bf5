import Books
import Engine
import EngineCore
import GRDB
import Rooms

/// `AccountHistoryStore` on SQLite (`SQLiteAccountHistory`).
public struct SQLiteAccountHistoryStore: AccountHistoryStore {
    public init() {}

    public func parties(in tx: any StoreTransaction, offset: Int64) throws -> [AccountNumber] {
        try SQLiteAccountHistory.parties(tx.sqliteDatabase, offset: offset)
    }

    public func insert(in tx: any StoreTransaction, _ pages: [AccountHistoryPage]) throws {
        try SQLiteAccountHistory.insert(tx.sqliteDatabase, pages)
    }
}

/// `EarningsRowStore` on SQLite (`earnings_daily`).
public struct SQLiteEarningsRowStore: EarningsRowStore {
    public init() {}

    public func add(in tx: any StoreTransaction, kind: String, owner: String, day: String, source: EarningsSource, amount: Int64, facts: Int64) throws {
        try SQLiteSettlementStore.addEarnings(tx.sqliteDatabase, kind: kind, owner: owner, day: day, source: source, amount: amount, facts: facts)
    }
}

/// `NotificationRowStore` on SQLite (`notifications`, unique by journal offset).
public struct SQLiteNotificationRowStore: NotificationRowStore {
    public init() {}

    public func insert(in tx: any StoreTransaction, userID: String, text: String, origin: String, offset: Int64, at ms: Int64) throws -> Int64? {
        let db = tx.sqliteDatabase
        try db.execute(
            sql: """
                INSERT INTO notifications (user_id, text, origin, journal_offset, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (journal_offset) DO NOTHING
                """, arguments: [userID, text, origin, offset, ms])
        return db.changesCount == 1 ? db.lastInsertedRowID : nil
    }
}

extension AccountHistoryConsumer {
    /// The consumer over the SQLite projection.
    public init() { self.init(store: SQLiteAccountHistoryStore()) }
}

extension EarningsConsumer {
    /// The consumer over the SQLite aggregates.
    public init(calendar: OperationsCalendar = OperationsCalendar(), events: HandlerEvents = HandlerEvents()) {
        self.init(rows: SQLiteEarningsRowStore(), calendar: calendar, events: events)
    }
}

extension NotificationsConsumer {
    /// The consumer over the SQLite notifications.
    public init(users: UserBus) { self.init(rows: SQLiteNotificationRowStore(), users: users) }
}
