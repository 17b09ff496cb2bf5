import GRDB

extension Ledger {
    /// Most pending transfers expired by one `expirePending` call, by default.
    public static let expireBatchMax = 1000

    /// Expires, in a transaction of its own, pending transfers whose time has come on the
    /// ledger's clock, releasing their reservations.
    /// - Parameter limit: most transfers to expire (`expireBatchMax` by default).
    /// - Returns: the `expire` transfers written, oldest due first.
    /// - Throws: storage errors.
    public func expirePending(limit: Int = Ledger.expireBatchMax) async throws -> [Transfer] {
        try await store.write { db in try expirePending(db, now: clock.nowMillis(), limit: limit) }
    }

    /// Expires due pending transfers inside the caller's transaction.
    /// - Parameters:
    ///   - db: the caller's database, inside a write transaction.
    ///   - nowMillis: wall time in milliseconds.
    ///   - limit: most transfers to expire, at least 1.
    /// - Returns: the `expire` transfers written.
    /// - Throws: database errors.
    public func expirePending(_ db: Database, now nowMillis: Int64, limit: Int = Ledger.expireBatchMax) throws -> [Transfer] {
        precondition(limit >= 1, "limit must be at least 1")
        let ids = try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM ledger_pending_open WHERE expires_at <= ? ORDER BY expires_at, id LIMIT ?"),
            arguments: [ledgerNow(db, nowMillis: nowMillis), limit])
        return try expire(db, ids, nowMillis: nowMillis)
    }

    /// Lazy expiry: before a chain runs, expires the due pending transfers that it touches (those
    /// it posts or voids, and those reserving on accounts it debits), so that expired
    /// reservations never block a debit and an expired pending reports `pending_expired`.
    /// This runs outside the chain's savepoint: an expiry stands even if the chain fails.
    func expireTouched(_ db: Database, by chain: [LedgerOperation], nowMillis: Int64) throws {
        let earliest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MIN(expires_at) FROM ledger_pending_open"))
        guard let earliest, earliest <= (try ledgerNow(db, nowMillis: nowMillis)) else { return }
        var pendingIDs: [String] = []
        var debits: [String] = []
        for operation in chain {
            switch operation {
            case .transfer(let request), .pending(let request, _): debits.append(request.debit.description)
            case .post(_, let pendingID, _), .void(_, let pendingID): pendingIDs.append(pendingID)
            case .reverse(_, let transferID, _):
                if let original = try movedTransfer(db, id: transferID) { debits.append(original.credit.description) }
            }
        }
        let now = try ledgerNow(db, nowMillis: nowMillis)
        var due: [String] = []
        for id in pendingIDs {
            due += try String.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM ledger_pending_open WHERE id = ? AND expires_at <= ?"), arguments: [id, now])
        }
        for account in Set(debits) {
            due += try String.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM ledger_pending_open WHERE debit_account = ? AND expires_at <= ? ORDER BY expires_at, id"),
                arguments: [account, now])
        }
        var seen = Set<String>()
        _ = try expire(db, due.filter { seen.insert($0).inserted }, nowMillis: nowMillis)
    }

    /// Lazy expiry for one account about to be debited outside a chain (a gift, whose legs are
    /// checked against the batch's overlay): expires its due pending transfers.
    func expireDue(_ db: Database, debiting account: AccountID, nowMillis: Int64) throws {
        let due = try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM ledger_pending_open WHERE debit_account = ? AND expires_at <= ? ORDER BY expires_at, id"),
            arguments: [account.description, ledgerNow(db, nowMillis: nowMillis)])
        _ = try expire(db, due, nowMillis: nowMillis)
    }

    /// Writes one `expire` row per pending id, releasing each reservation.
    private func expire(_ db: Database, _ ids: [String], nowMillis: Int64) throws -> [Transfer] {
        try ids.map { id in
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM ledger_transfers WHERE id = ?"), arguments: [id])!
            let pending = Transfer(row: row)
            let step = Step(batch: "~expire:" + id, hash: "", nowMillis: nowMillis)
            return try close(db, pending, id: "~expire:" + id, kind: .expire, amount: pending.amount, step)
        }
    }
}
