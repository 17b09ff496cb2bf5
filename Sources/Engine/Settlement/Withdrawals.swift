import Books
import EngineCore
import Foundation

/// A streamer's withdrawal request (`POST /v1/streamers/me/withdrawals`).
public struct WithdrawalRequest: Sendable, Codable, Equatable {
    public var amount: Int64
    /// The client's key: the same key again answers the first request.
    public var idempotencyKey: String

    public init(amount: Int64, idempotencyKey: String) {
        self.amount = amount
        self.idempotencyKey = idempotencyKey
    }

    public static let keys: Set<String> = ["amount", "idempotency_key"]

    enum CodingKeys: String, CodingKey {
        case amount
        case idempotencyKey = "idempotency_key"
    }
}

/// A withdrawal: a pending transfer of revenue while the window is open, posted (imported into
/// the statements of the month it belongs to) by the periodic sweep once the window has closed,
/// or by that month's run when the sweep has not got to it yet.
public struct Withdrawal: Sendable, Codable, Equatable {
    public var id: Int64
    public var streamerID: String
    /// The settlement month it belongs to: the month before the one it was asked in.
    public var month: String
    public var amount: Int64
    public var transferID: String
    /// `pending` (reserved, window open), `imported` (posted to `system:settlement_payouts`), or
    /// `expired` (the ledger released the hold before it could be imported: the revenue stayed
    /// with the streamer; `reason` says why).
    public var state: String
    public var requestedAt: Int64
    public var importedAt: Int64?
    /// Why an `expired` withdrawal was not imported.
    public var reason: String?

    package init(
        id: Int64, streamerID: String, month: String, amount: Int64, transferID: String, state: String,
        requestedAt: Int64, importedAt: Int64? = nil, reason: String? = nil
    ) {
        self.id = id
        self.streamerID = streamerID
        self.month = month
        self.amount = amount
        self.transferID = transferID
        self.state = state
        self.requestedAt = requestedAt
        self.importedAt = importedAt
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case id, month, amount, state, reason
        case streamerID = "streamer_id"
        case transferID = "transfer_id"
        case requestedAt = "requested_at"
        case importedAt = "imported_at"
    }
}

extension Settlement {
    /// Days of a month (from the 1st) in which withdrawals may be asked, by default.
    public static let withdrawalWindowDaysDefault = 2
    /// How long a withdrawal's reservation lasts before the ledger releases it unimported. The
    /// periodic sweep imports it on the first day after the window, long before; a hold that
    /// lapses anyway (the server was down the whole time) marks the withdrawal `expired`.
    public static let withdrawalHoldMillis: Int64 = 30 * 86_400_000  // the ledger's longest
    /// Most withdrawals one sweep (`sweepWithdrawals`) imports in its transaction.
    public static let withdrawalSweepBatchMax = 500
    /// Longest idempotency key of a withdrawal, in bytes.
    public static let withdrawalKeyBytesMax = 64

    /// The day of the month (1...31) of `millis` in the operations calendar, and the month before.
    func windowDay(_ millis: Int64) -> (day: Int, previousMonth: String) {
        let key = calendar.key(.daily, at: millis)  // YYYY-MM-DD
        let day = Int(key.suffix(2)) ?? 0
        let m = SettlementCalendar.month(String(key.prefix(7))) ?? (2000, 1)
        let previous = m.month == 1 ? String(format: "%04d-12", m.year - 1) : String(format: "%04d-%02d", m.year, m.month - 1)
        return (day, previous)
    }

    /// Asks for a withdrawal of available revenue: a pending transfer from the streamer's
    /// revenue to `system:settlement_payouts:revenue`, for the month before this one. Allowed on
    /// days 1...`withdrawalWindowDays` of a month in the operations calendar.
    /// - Throws: `RequestError` 400 `invalid_amount`, `invalid_idempotency_key`; 409
    ///   `withdrawal_window_closed`, `idempotency_conflict`; `LedgerError.insufficientFunds`.
    public func requestWithdrawal(streamer: String, _ r: WithdrawalRequest) async throws -> Withdrawal {
        guard (1...SettlementPolicy.amountMax).contains(r.amount) else {
            throw RequestError("invalid_amount", .badRequest, "amount: 1...\(SettlementPolicy.amountMax)")
        }
        guard (1...Self.withdrawalKeyBytesMax).contains(r.idempotencyKey.utf8.count), r.idempotencyKey.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw RequestError("invalid_idempotency_key", .badRequest, "idempotency_key: 1-\(Self.withdrawalKeyBytesMax) printable ASCII characters")
        }
        let now = clock.nowMillis()
        let (day, month) = windowDay(now)
        let window = withdrawalWindowDays
        let transferID = "withdrawal:\(streamer):\(r.idempotencyKey)"
        return try await store.write { tx in
            if let prior = try tx.withdrawal(transferID: transferID) {
                guard prior.amount == r.amount else {
                    throw RequestError("idempotency_conflict", .conflict, "this key asked for \(prior.amount)")
                }
                return prior
            }
            guard day <= window else {
                throw RequestError("withdrawal_window_closed", .conflict, "withdrawals are asked on days 1-\(window) of a month")
            }
            if try tx.state(month: month).isFrozen {
                throw RequestError("month_confirmed", .conflict, "\(month) is confirmed: its withdrawals were imported")
            }
            _ = try tx.ledger.apply(operations: [.pending(TransferRequest(
                id: transferID, debit: .user(streamer, "revenue"), credit: .system(.settlementPayouts, "revenue"), asset: "revenue",
                amount: r.amount, code: "withdrawal", memo: "withdrawal for \(month)"), timeoutMillis: Self.withdrawalHoldMillis)], now: now)
            let id = try tx.insertWithdrawal(streamer: streamer, month: month, amount: r.amount, transferID: transferID, now: now)
            return Withdrawal(id: id, streamerID: streamer, month: month, amount: r.amount, transferID: transferID,
                state: "pending", requestedAt: now, importedAt: nil, reason: nil)
        }
    }

    /// A streamer's withdrawals, newest first (at most 100).
    public func withdrawals(streamer: String) async throws -> [Withdrawal] {
        try await store.read { tx in try tx.withdrawals(streamer: streamer) }
    }

    /// Whether the withdrawal window for `month`'s requests has closed at `now` (it is the next
    /// month's first `withdrawalWindowDays` days).
    func windowClosed(for month: String, now: Int64) -> Bool {
        guard let m = SettlementCalendar.month(month) else { return false }
        let next = SettlementCalendar.next(m)
        let (day, _) = windowDay(now)
        let current = String(calendar.key(.daily, at: now).prefix(7))
        return current > next || (current == next && day > withdrawalWindowDays)
    }

    /// The latest month whose withdrawal window has closed at `now`: the month before last
    /// while the window is open, else the month before.
    func lastClosedWindowMonth(at now: Int64) -> String {
        let (day, previous) = windowDay(now)
        guard day <= withdrawalWindowDays, let m = SettlementCalendar.month(previous) else { return previous }
        return SettlementCalendar.previous(m)
    }

    /// The periodic sweep's work: imports pending withdrawals whose window has closed (posts
    /// their reservations to `system:settlement_payouts:revenue`, state `imported`), oldest
    /// first, at most `limit` in one transaction, so that a month's run only reads them however
    /// late it is made. A hold the ledger already released (lapsed while nothing ran, or voided)
    /// is marked `expired` with the reason: the revenue stayed with the streamer.
    /// - Returns: the withdrawals imported or marked expired (0: nothing was due). A post the
    ///   ledger refuses leaves its withdrawal pending and writes nothing for it; it is tried
    ///   again at the next sweep (and marked expired once its hold lapses), so it never spins.
    /// - Throws: storage errors.
    public func sweepWithdrawals(limit: Int = Settlement.withdrawalSweepBatchMax) async throws -> Int {
        precondition(limit >= 1, "limit must be at least 1")
        let now = clock.nowMillis()
        let last = lastClosedWindowMonth(at: now)
        // Most ticks find nothing due: a read, not a write transaction, answers them.
        let due = try await store.read { tx in try tx.hasPendingWithdrawals(through: last) }
        guard due else { return 0 }
        return try await store.write { tx in
            let due = try tx.pendingWithdrawals(through: last, limit: limit)
            return try self.importWithdrawals(tx, due, now: now)
        }
    }

    /// The month's withdrawals per streamer as its import at `now` will leave them: as
    /// `withdrawn`, less pending ones past the window whose hold the ledger no longer keeps
    /// (the import marks them expired).
    func withdrawnAfterImport(_ tx: any SettlementTransaction, _ month: String, now: Int64) throws -> [String: Int64] {
        var out = try tx.withdrawn(month: month)
        guard windowClosed(for: month, now: now) else { return out }
        for w in try tx.pendingWithdrawals(month: month) where try importOutcome(tx, w, now: now) == .expire {
            out[w.streamerID, default: 0] -= w.amount
            if out[w.streamerID] == 0 { out[w.streamerID] = nil }
        }
        return out
    }

    /// What importing a pending withdrawal does, from its hold's state in the ledger.
    enum ImportOutcome: Equatable {
        /// The hold is open: post it.
        case post
        /// Already posted (by an earlier import): mark it imported.
        case posted
        /// Released without a post (lapsed, voided, or missing): mark it expired, with why.
        case expire
    }

    func importOutcome(_ tx: any SettlementTransaction, _ w: Withdrawal, now: Int64) throws -> ImportOutcome {
        try importOutcomeAndReason(tx, w, now: now).0
    }

    func importOutcomeAndReason(_ tx: any SettlementTransaction, _ w: Withdrawal, now: Int64) throws -> (ImportOutcome, String?) {
        let status: PendingStatus
        do {
            status = try tx.ledger.pendingStatus(id: w.transferID, now: now)
        } catch is LedgerError {
            return (.expire, "the ledger has no hold \(w.transferID): nothing was reserved, the revenue stays with the streamer")
        }
        switch status.state {
        case .open: return (.post, nil)
        case .posted: return (.posted, nil)
        case .voided: return (.expire, "the hold was voided in the ledger before the import: the revenue stays with the streamer")
        case .expired:
            return (.expire, "the hold lapsed before the import (nothing imported it within \(Self.withdrawalHoldMillis / 86_400_000) days): "
                + "the ledger released it and the revenue stays with the streamer")
        }
    }

    /// Imports `month`'s pending withdrawals in the caller's transaction (a run's fallback when
    /// the sweep has not got to them).
    /// - Returns: how many changed state.
    func importWithdrawals(_ tx: any SettlementTransaction, _ month: String, now: Int64) throws -> Int {
        try importWithdrawals(tx, try tx.pendingWithdrawals(month: month), now: now)
    }

    /// Imports pending withdrawals in the caller's transaction: each open hold posts (state
    /// `imported`, `imported_at`); a released one is marked `expired` with the reason. A post
    /// the ledger refuses is rolled back alone (no failure is recorded under its key) and the
    /// withdrawal stays pending.
    /// - Returns: how many changed state.
    func importWithdrawals(_ tx: any SettlementTransaction, _ pending: [Withdrawal], now: Int64) throws -> Int {
        var changed = 0
        for w in pending {
            let (outcome, reason) = try importOutcomeAndReason(tx, w, now: now)
            switch outcome {
            case .post:
                do {
                    try tx.savepoint {
                        _ = try tx.ledger.apply(operations: [.post(id: "\(w.transferID):post", pendingID: w.transferID)], now: now)
                        try tx.markImported(withdrawal: w.id, now: now)
                    }
                    changed += 1
                } catch is LedgerError {
                    continue
                }
            case .posted:
                try tx.markImported(withdrawal: w.id, now: now)
                changed += 1
            case .expire:
                try tx.markExpired(withdrawal: w.id, reason: reason)
                changed += 1
            }
        }
        return changed
    }
}
