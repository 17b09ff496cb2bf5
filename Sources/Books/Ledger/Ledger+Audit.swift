
/// The journal payload of an operator's ledger change: who, why, and the transfer it made.
public struct OperatorChangeFact: Codable, Sendable {
    public let by: String
    public let reason: String
    public let transfer: Transfer
}

extension Ledger {
    /// Runs an operator's ledger change and its audit fact (`type`, keyed by the operation's id)
    /// in one transaction, stamped by the ledger's clock.
    ///
    /// A change refused on ledger state (funds, a closed or expired pending transfer...) still
    /// commits the ledger's record of the failed key, so a retry with the same key fails the
    /// same way instead of acting later; nothing else is written for it.
    /// - Throws: `LedgerError`, storage errors.
    public func audited(_ operation: LedgerOperation, type: String, by: String, reason: String) async throws -> Transfer {
        let now = clock.nowMillis()
        let outcome = try await store.ledgerWrite(self) { [self] rows -> Result<Transfer, LedgerError> in
            let transfer: Transfer
            do {
                transfer = try apply(rows, operations: [operation], now: now)[0]
            } catch let error as LedgerError {
                return .failure(error)
            }
            try rows.journal.append(
                type: type, payload: OperatorChangeFact(by: by, reason: reason, transfer: transfer), idempotencyKey: operation.id, at: now)
            return .success(transfer)
        }
        return try outcome.get()
    }

    /// Checks the ledger's invariants and the gift sends against their transfers, in one read.
    /// - Throws: storage errors.
    public func reconcile() async throws -> (ledger: ReconciliationReport, gifts: [String]) {
        try await store.ledgerRead(self) { rows in (try Reconciliation().check(rows), try GiftReconciliation.check(rows)) }
    }
}
