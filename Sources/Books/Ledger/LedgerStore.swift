/// What the ledger needs of the storage layer: its rows (`LedgerRows`) inside a write
/// transaction of the one writer, group committed and answered once durable, or inside a read
/// transaction against the last committed state. The SQLite `Store` implements it.
public protocol LedgerStore: Sendable {
    /// Runs `body` in a write transaction with the ledger's rows; its result after the commit.
    func ledgerWrite<T: Sendable>(_ ledger: Ledger, _ body: @escaping @Sendable (any LedgerRows) throws -> T) async throws -> T
    /// Runs `body` in a read transaction with the ledger's rows.
    func ledgerRead<T: Sendable>(_ ledger: Ledger, _ body: @escaping @Sendable (any LedgerRows) throws -> T) async throws -> T
}
