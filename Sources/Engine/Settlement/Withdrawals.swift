import Foundation
import GRDB

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

/// A withdrawal: a pending transfer of revenue while the window is open, posted when the month
/// it belongs to is run after the window (imported into its statements).
public struct Withdrawal: Sendable, Codable, Equatable {
    public var id: Int64
    public var streamerID: String
    /// The settlement month it belongs to: the month before the one it was asked in.
    public var month: String
    public var amount: Int64
    public var transferID: String
    /// `pending` or `imported`.
    public var state: String
    public var requestedAt: Int64
    public var importedAt: Int64?

    enum CodingKeys: String, CodingKey {
        case id, month, amount, state
        case streamerID = "streamer_id"
        case transferID = "transfer_id"
        case requestedAt = "requested_at"
        case importedAt = "imported_at"
    }
}

extension Withdrawal {
    init(row: Row) {
        self.init(id: row["id"], streamerID: row["streamer_id"], month: row["month"], amount: row["amount"], transferID: row["transfer_id"],
            state: row["state"], requestedAt: row["requested_at"], importedAt: row["imported_at"])
    }
}

extension Settlement {
    /// Days of a month (from the 1st) in which withdrawals may be asked, by default.
    public static let withdrawalWindowDaysDefault = 2
    /// How long a withdrawal's reservation lasts before the ledger releases it unimported: a
    /// month not run within it has its import fail (`LedgerError`) until the request is made again.
    public static let withdrawalHoldMillis: Int64 = 30 * 86_400_000  // the ledger's longest
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
        let ledger = self.ledger
        return try await store.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM settlement_withdrawals WHERE transfer_id = ?", arguments: [transferID]) {
                let prior = Withdrawal(row: row)
                guard prior.amount == r.amount else {
                    throw RequestError("idempotency_conflict", .conflict, "this key asked for \(prior.amount)")
                }
                return prior
            }
            guard day <= window else {
                throw RequestError("withdrawal_window_closed", .conflict, "withdrawals are asked on days 1-\(window) of a month")
            }
            if try Self.state(db, month).isFrozen {
                throw RequestError("month_confirmed", .conflict, "\(month) is confirmed: its withdrawals were imported")
            }
            _ = try ledger.apply(db, operations: [.pending(TransferRequest(
                id: transferID, debit: .user(streamer, "revenue"), credit: .system(.settlementPayouts, "revenue"), asset: "revenue",
                amount: r.amount, code: "withdrawal", memo: "withdrawal for \(month)"), timeoutMillis: Self.withdrawalHoldMillis)], now: now)
            try db.execute(sql: """
                INSERT INTO settlement_withdrawals (streamer_id, month, amount, transfer_id, state, requested_at) VALUES (?, ?, ?, ?, 'pending', ?)
                """, arguments: [streamer, month, r.amount, transferID, now])
            return Withdrawal(id: db.lastInsertedRowID, streamerID: streamer, month: month, amount: r.amount, transferID: transferID,
                state: "pending", requestedAt: now, importedAt: nil)
        }
    }

    /// A streamer's withdrawals, newest first (at most 100).
    public func withdrawals(streamer: String) async throws -> [Withdrawal] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM settlement_withdrawals WHERE streamer_id = ? ORDER BY id DESC LIMIT 100", arguments: [streamer])
                .map(Withdrawal.init(row:))
        }
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

    /// The month's withdrawals per streamer (every request, pending or imported).
    static func withdrawn(_ db: Database, _ month: String) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT streamer_id, SUM(amount) FROM settlement_withdrawals WHERE month = ? GROUP BY streamer_id", arguments: [month]) {
            out[row[0]] = row[1]
        }
        return out
    }

    /// Posts the month's pending withdrawals (the import), in the caller's transaction.
    /// - Throws: `LedgerError` (a reservation that expired: run again after releasing it by hand).
    func importWithdrawals(_ db: Database, _ month: String, now: Int64) throws {
        let pending = try Row.fetchAll(db, sql: "SELECT * FROM settlement_withdrawals WHERE month = ? AND state = 'pending' ORDER BY id", arguments: [month])
            .map(Withdrawal.init(row:))
        guard !pending.isEmpty else { return }
        _ = try ledger.apply(db, operations: pending.map { .post(id: "\($0.transferID):post", pendingID: $0.transferID) }, now: now)
        try db.execute(sql: "UPDATE settlement_withdrawals SET state = 'imported', imported_at = ? WHERE month = ? AND state = 'pending'",
            arguments: [now, month])
    }
}
