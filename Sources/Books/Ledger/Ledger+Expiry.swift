extension Ledger {
    /// Most pending transfers expired by one `expirePending` call, by default.
    public static let expireBatchMax = 1000

    /// Expires, in a transaction of its own, pending transfers whose time has come on the
    /// ledger's clock, releasing their reservations.
    /// - Parameter limit: most transfers to expire (`expireBatchMax` by default).
    /// - Returns: the `expire` transfers written, oldest due first.
    /// - Throws: storage errors.
    public func expirePending(limit: Int = Ledger.expireBatchMax) async throws -> [Transfer] {
        try await store.ledgerWrite(self) { rows in try expirePending(rows, now: clock.nowMillis(), limit: limit) }
    }

    /// Expires due pending transfers inside the caller's transaction.
    /// - Parameters:
    ///   - rows: the ledger's rows in the caller's write transaction.
    ///   - nowMillis: wall time in milliseconds.
    ///   - limit: most transfers to expire, at least 1.
    /// - Returns: the `expire` transfers written.
    /// - Throws: database errors.
    public func expirePending(_ rows: any LedgerRows, now nowMillis: Int64, limit: Int = Ledger.expireBatchMax) throws -> [Transfer] {
        precondition(limit >= 1, "limit must be at least 1")
        let ids = try rows.duePending(at: rows.ledgerNow(nowMillis), limit: limit)
        return try expire(rows, ids, nowMillis: nowMillis)
    }

    /// Lazy expiry: before a chain runs, expires the due pending transfers that it touches (those
    /// it posts or voids, and those reserving on accounts it debits), so that expired
    /// reservations never block a debit and an expired pending reports `pending_expired`.
    /// This runs outside the chain's savepoint: an expiry stands even if the chain fails.
    func expireTouched(_ rows: any LedgerRows, by chain: [LedgerOperation], nowMillis: Int64) throws {
        guard let earliest = try rows.earliestPendingExpiry(), earliest <= (try rows.ledgerNow(nowMillis)) else { return }
        var pendingIDs: [String] = []
        var debits: [AccountID] = []
        for operation in chain {
            switch operation {
            case .transfer(let request), .pending(let request, _): debits.append(request.debit)
            case .post(_, let pendingID, _), .void(_, let pendingID): pendingIDs.append(pendingID)
            case .reverse(_, let transferID, _):
                if let original = try movedTransfer(rows, id: transferID) { debits.append(original.credit) }
            }
        }
        let now = try rows.ledgerNow(nowMillis)
        var due: [String] = []
        for id in pendingIDs {
            due += try rows.duePending(id: id, at: now)
        }
        for account in Set(debits) {
            due += try rows.duePending(debiting: account, at: now)
        }
        var seen = Set<String>()
        _ = try expire(rows, due.filter { seen.insert($0).inserted }, nowMillis: nowMillis)
    }

    /// Lazy expiry for one account about to be debited outside a chain (a gift, whose legs are
    /// checked against the batch's overlay): expires its due pending transfers.
    package func expireDue(_ rows: any LedgerRows, debiting account: AccountID, nowMillis: Int64) throws {
        let due = try rows.duePending(debiting: account, at: rows.ledgerNow(nowMillis))
        _ = try expire(rows, due, nowMillis: nowMillis)
    }

    /// Writes one `expire` row per pending id, releasing each reservation.
    private func expire(_ rows: any LedgerRows, _ ids: [String], nowMillis: Int64) throws -> [Transfer] {
        try ids.map { id in
            let pending = try rows.transfer(id: id)!
            let step = Step(batch: "~expire:" + id, hash: "", nowMillis: nowMillis)
            return try close(rows, pending, id: "~expire:" + id, kind: .expire, amount: pending.amount, step)
        }
    }
}
