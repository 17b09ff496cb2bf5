/// Where a two-phase transfer stands: the `pending` row and, once closed, the row that closed it.
public struct PendingStatus: Sendable, Hashable, Codable {
    /// The stage of a pending transfer.
    public enum State: String, Sendable, Hashable, Codable {
        /// Reserved and still postable or voidable.
        case open
        /// Closed by a `post` (which may have moved less than was reserved).
        case posted
        /// Closed by a `void`.
        case voided
        /// Timed out on the ledger's clock (its `expire` row may not be written yet: the sweep
        /// or the next chain touching it writes it; a post or void fails either way).
        case expired
    }

    /// The `pending` row.
    public let pending: Transfer
    /// The stage now.
    public let state: State
    /// The `post`, `void` or `expire` row, once written.
    public let closedBy: Transfer?
}

extension Ledger {
    /// The stage of the pending transfer `id`, on the ledger's clock.
    /// - Throws: `invalid_idempotency_key` for a malformed id; `pending_not_found` when no
    ///   transfer has this id or it is not a pending one; storage errors.
    public func pendingStatus(id: String) async throws -> PendingStatus {
        try Self.validateID(id, allowReserved: true)
        let nowMillis = clock.nowMillis()
        return try await store.ledgerRead(self) { rows in try pendingStatus(rows, id: id, now: nowMillis) }
    }

    /// The stage of a pending transfer inside the caller's transaction (see `pendingStatus(id:)`).
    public func pendingStatus(_ rows: any LedgerRows, id: String, now nowMillis: Int64) throws -> PendingStatus {
        guard let pending = try rows.transfer(id: id) else {
            throw LedgerError.pendingNotFound(id)
        }
        guard pending.kind == .pending else { throw LedgerError.pendingNotFound(id) }
        let closing = try rows.closing(pendingID: id)
        let state: PendingStatus.State
        switch closing?.kind {
        case .post?: state = .posted
        case .void?: state = .voided
        case .expire?: state = .expired
        default: state = try rows.ledgerNow(nowMillis) < pending.expiresAt! ? .open : .expired
        }
        return PendingStatus(pending: pending, state: state, closedBy: closing)
    }
}
