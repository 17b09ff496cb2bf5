extension Ledger {
    /// Applies plain transfers as one linked chain inside the caller's transaction.
    /// - Parameters: see `apply(_:operations:now:)`.
    /// - Returns: the transfers written (or the originals, for a retried chain).
    /// - Throws: `LedgerError`; database errors.
    public func apply(_ rows: any LedgerRows, _ chain: [TransferRequest], now nowMillis: Int64) throws -> [Transfer] {
        try apply(rows, operations: chain.map(LedgerOperation.transfer), now: nowMillis)
    }

    /// Applies plain transfers as `apply(_:_:now:)` does, but without the chain's own
    /// savepoint: for a caller inside a savepoint of its own that is rolled back whenever this
    /// throws (a journal consumer's entry, where no script can catch the error). A nested
    /// savepoint makes SQLite walk the in-memory statement journal that the enclosing ones
    /// have filled (a consumer batch's worth) when it is released, and buys nothing when the
    /// caller undoes everything anyway. On a refusal the chain may be half written, with its
    /// failure recorded: both go when the caller rolls back.
    /// - Throws: `LedgerError`; database errors.
    public func apply(_ rows: any LedgerRows, _ chain: [TransferRequest], now nowMillis: Int64, callerRollsBack: Bool) throws -> [Transfer] {
        try apply(rows, operations: chain.map(LedgerOperation.transfer), now: nowMillis, ownSavepoint: !callerRollsBack)
    }

    /// Applies a linked chain inside the caller's write transaction: all operations or none.
    ///
    /// Idempotency: the chain's body is hashed and bound to every key in it. A chain whose keys
    /// all committed with this body returns the original transfers unchanged; one whose keys all
    /// failed with this body throws the original error again; any other reuse of a key throws
    /// `idempotency_conflict`. A chain that fails on ledger state (funds, pending state, overflow,
    /// reversal) records its keys as failed in the caller's transaction, outside the chain's own
    /// savepoint: the record commits only if the caller's transaction does, so a caller that
    /// wants it kept catches the error inside its write (as `run` does).
    ///
    /// - Parameters:
    ///   - rows: the ledger's rows in the caller's write transaction.
    ///   - chain: the operations, applied in order.
    ///   - nowMillis: wall time in milliseconds; ledger time is the larger of it (in
    ///     microseconds) and the last ledger time plus one.
    /// - Returns: one transfer per operation, in order.
    /// - Throws: `LedgerError`; database errors.
    public func apply(_ rows: any LedgerRows, operations chain: [LedgerOperation], now nowMillis: Int64) throws -> [Transfer] {
        try apply(rows, operations: chain, now: nowMillis, ownSavepoint: true)
    }

    private func apply(
        _ rows: any LedgerRows, operations chain: [LedgerOperation], now nowMillis: Int64, ownSavepoint: Bool
    ) throws -> [Transfer] {
        try validate(chain)
        let hash = LedgerOperation.bodyHash(chain)
        if let replayed = try replay(rows, chain, hash: hash) {
            return try replayed.get()
        }
        try expireTouched(rows, by: chain, nowMillis: nowMillis)
        do {
            let step = Step(batch: chain[0].id, hash: hash, nowMillis: nowMillis)
            guard ownSavepoint else { return try chain.map { try execute(rows, $0, step) } }
            return try rows.savepoint { try chain.map { try execute(rows, $0, step) } }
        } catch let error as LedgerError where error.reason.isRecorded {
            for operation in chain {
                try rows.recordFailure(id: operation.id, code: error.code, message: error.message, bodyHash: hash, at: nowMillis)
            }
            throw error
        }
    }

    /// The outcome of an earlier chain with the same keys, or nil when every key is new.
    /// - Throws: `idempotency_conflict` when a key was used with another body or chain.
    private func replay(_ rows: any LedgerRows, _ chain: [LedgerOperation], hash: String) throws -> Result<[Transfer], LedgerError>? {
        var transfers: [Transfer] = []
        var failure: LedgerError?
        var fresh = 0
        for operation in chain {
            // The common case is a new key: two cheap probes by key first, the rows themselves
            // only for a key already used.
            if try !rows.transferExists(id: operation.id), try !rows.failureExists(id: operation.id) {
                fresh += 1
                continue
            }
            if let stored = try rows.transferWithHash(id: operation.id) {
                guard stored.bodyHash == hash else { throw LedgerError.idempotencyConflict(operation.id) }
                transfers.append(stored.transfer)
            } else if let stored = try rows.failure(id: operation.id) {
                guard stored.bodyHash == hash, let reason = LedgerError.Reason(rawValue: stored.code) else {
                    throw LedgerError.idempotencyConflict(operation.id)
                }
                failure = LedgerError(reason, stored.message)
            } else {
                fresh += 1
            }
        }
        if fresh == chain.count { return nil }
        // The hash binds every key of one chain, so a partial match means the keys were reused.
        if let failure, transfers.isEmpty, fresh == 0 { return .failure(failure) }
        guard transfers.count == chain.count else { throw LedgerError.idempotencyConflict(chain[0].id) }
        return .success(transfers)
    }
}

/// What every operation of one chain shares.
final class Step {
    /// The first operation's id, stored as `linked_batch`.
    let batch: String
    /// The chain's body hash, stored with every row.
    let hash: String
    /// Wall time of the request, in milliseconds.
    let nowMillis: Int64
    init(batch: String, hash: String, nowMillis: Int64) {
        self.batch = batch
        self.hash = hash
        self.nowMillis = nowMillis
    }
}
