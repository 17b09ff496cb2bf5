/// One open transaction of the store, as a domain sees it: the shared parts every domain may
/// touch beside its own tables. A domain's own transaction protocol (`OrdersTransaction`,
/// `SettlementTransaction`, …) refines this one, so money moved and facts appended here commit or
/// roll back with that domain's rows.
///
/// The storage layer implements it (`SQLiteTransaction`); domains never see the database
/// connection under it.
public protocol StoreTransaction: AnyObject {
    /// The ledger in this transaction.
    var ledger: any LedgerTransaction { get }
    /// The journal in this transaction.
    var journal: any JournalTransaction { get }
    /// Fan medals in this transaction (script effects add points).
    var fanMedals: any FanMedalTransaction { get }
    /// Runs `body` in a savepoint of this transaction: kept when it returns, undone alone when it
    /// throws (and the error rethrown), the rest of the transaction untouched.
    func savepoint<T>(_ body: () throws -> T) throws -> T
}

/// The journal inside a caller's transaction: a fact appended here commits with the state
/// change it records. Limits and errors are `Journal`'s.
public protocol JournalTransaction: AnyObject {
    /// Appends a fact whose payload is `payload` encoded as JSON (keys sorted); with a known
    /// `idempotencyKey` nothing is written and the existing entry is returned.
    /// - Throws: `JournalError` for a bad type, payload or key; storage errors.
    @discardableResult
    func append(type: String, payload: some Encodable, idempotencyKey: String?, at ms: Int64) throws -> JournalEntry
    /// Appends a fact whose payload is already JSON text (checked to be JSON).
    @discardableResult
    func append(type: String, payloadJSON: String, idempotencyKey: String?, at ms: Int64) throws -> JournalEntry
    /// Appends a fact whose payload is JSON text the host built itself (`JSONText`), unparsed.
    func appendHostJSON(type: String, json: String, at ms: Int64) throws
    /// The entry at `offset`, or nil.
    func entry(at offset: Int64) throws -> JournalEntry?
    /// The newest offset, 0 for an empty journal.
    func latestOffset() throws -> Int64
}

extension JournalTransaction {
    /// `append(type:payload:idempotencyKey:at:)` without a key.
    @discardableResult
    public func append(type: String, payload: some Encodable, at ms: Int64) throws -> JournalEntry {
        try append(type: type, payload: payload, idempotencyKey: nil, at: ms)
    }
}
