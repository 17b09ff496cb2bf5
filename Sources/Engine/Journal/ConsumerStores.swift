/// What the journal consumers that keep no state of a domain's own write, inside the runner's
/// transaction (`JournalConsumer.apply(_:in:)`). Each is stateless: every call names the
/// transaction it works in, so its writes commit with the consumer's cursor. The storage layer
/// implements them (`Storage/SQLiteConsumerStores.swift`).

/// The `account_history` projection (`AccountHistoryConsumer`).
public protocol AccountHistoryStore: Sendable {
    /// The accounts a journal row names as payer and payee (a gift's), none for other rows.
    func parties(in tx: any StoreTransaction, offset: Int64) throws -> [String]
    /// Projects rows (account, journal offset); a row already there is kept.
    func insert(in tx: any StoreTransaction, _ rows: [(account: String, offset: Int64)]) throws
}

/// The earnings aggregates (`EarningsConsumer`): one row per owner, day and source.
public protocol EarningsRowStore: Sendable {
    /// Adds `amount` and `facts` to the row of (`kind`, `owner`, `day`, `source`), created at
    /// zero when missing.
    func add(in tx: any StoreTransaction, kind: String, owner: String, day: String, source: EarningsSource, amount: Int64, facts: Int64) throws
}

/// Users' stored notifications (`NotificationsConsumer`).
public protocol NotificationRowStore: Sendable {
    /// Stores the notice journaled at `offset` as `userID`'s notification; answers its id, or
    /// nil when that journal row's notice is already stored (a replay after a crash).
    func insert(in tx: any StoreTransaction, userID: String, text: String, origin: String, offset: Int64, at ms: Int64) throws -> Int64?
}
