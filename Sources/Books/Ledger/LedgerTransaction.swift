/// The ledger inside a caller's transaction: money moved here commits or rolls back with the
/// caller's own rows. Semantics and errors are `Ledger`'s (`apply`, `balance`, `pendingStatus`).
public protocol LedgerTransaction: AnyObject {
    /// Applies a chain of transfers, all or none (`Ledger.apply`).
    func apply(_ chain: [TransferRequest], now: Int64) throws -> [Transfer]
    /// Applies a chain of operations (transfers, pending, post, void, reverse), all or none.
    func apply(operations: [LedgerOperation], now: Int64) throws -> [Transfer]
    /// The account's balance (0 for an account never used).
    func balance(_ account: AccountID) throws -> Int64
    /// A user's balances by asset.
    func balances(user: String) throws -> [String: Int64]
    /// What the account may spend now: its balance less live pending debits.
    func available(_ account: AccountID, now: Int64) throws -> Int64
    /// The stage of a pending transfer.
    /// - Throws: `LedgerError.pendingNotFound`.
    func pendingStatus(id: String, now: Int64) throws -> PendingStatus
    /// Whether a transfer with this id exists.
    func transferExists(id: String) throws -> Bool
    /// Transfers whose id starts with `prefix`, in history order (what a domain wrote under one
    /// origin, such as the grants of one gift's steps).
    func transfers(idPrefix prefix: String) throws -> [Transfer]
}
