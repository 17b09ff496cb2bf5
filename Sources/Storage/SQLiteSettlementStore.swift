import Books
import Engine
import EngineCore
import Foundation
import GRDB

/// `SettlementStore` on the SQLite store: `settlement_months`, `settlement_statements`,
/// `settlement_adjustments` and `settlement_withdrawals`, and the reads a run makes of
/// `earnings_daily`, `guild_contracts`, `live_sessions`, `consumer_cursors` and `journal`, in
/// the store's transactions, with `ledger` for the payouts and withdrawals.
public struct SQLiteSettlementStore: SettlementStore {
    let store: Store
    let ledger: Ledger

    /// - Parameters: store: the database, migrated; ledger: the ledger payouts and withdrawals
    ///   move through, in the same transactions.
    public init(_ store: Store, ledger: Ledger) {
        self.store = store
        self.ledger = ledger
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SettlementTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.write({ db in SQLiteSettlementTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SettlementTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.read({ db in SQLiteSettlementTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }
}

extension Settlement {
    /// A close over the SQLite store, its payouts and withdrawals through `ledger`.
    /// - Parameters: calendar: where days and months begin; clock: the time of writes;
    ///   withdrawalWindowDays: the withdrawal window, days 1...n of a month (1...28).
    public init(
        store: Store, ledger: Ledger, calendar: OperationsCalendar = OperationsCalendar(), clock: any WallClock = SystemWallClock(),
        withdrawalWindowDays: Int = Settlement.withdrawalWindowDaysDefault
    ) {
        self.init(
            store: SQLiteSettlementStore(store, ledger: ledger), calendar: calendar, clock: clock, withdrawalWindowDays: withdrawalWindowDays)
    }
}

extension Earnings {
    /// Earnings reads over the SQLite store.
    /// - Parameters: calendar: where days begin; clock: how far an open live session counts.
    public init(store: Store, calendar: OperationsCalendar = OperationsCalendar(), clock: any WallClock = SystemWallClock()) {
        // The reads move no money: the transactions' ledger part goes unused.
        self.init(store: SQLiteSettlementStore(store, ledger: Ledger(store: store)), calendar: calendar, clock: clock)
    }
}

extension SQLiteSettlementStore {
    /// Adds `amount` and `facts` to one earnings row, creating it at zero (the earnings
    /// consumer's write, in the caller's transaction `db`, on the writer's connection).
    static func addEarnings(_ db: Database, kind: String, owner: String, day: String, source: EarningsSource, amount: Int64, facts: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO earnings_daily (owner_kind, owner_id, day, source, amount, facts) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (owner_kind, owner_id, day, source) DO UPDATE SET amount = amount + excluded.amount, facts = facts + excluded.facts
            """).runRaw(.text(kind), .text(owner), .text(day), .text(source.rawValue), .int(amount), .int(facts))
    }
}

extension Withdrawal {
    init(row: Row) {
        self.init(id: row["id"], streamerID: row["streamer_id"], month: row["month"], amount: row["amount"], transferID: row["transfer_id"],
            state: row["state"], requestedAt: row["requested_at"], importedAt: row["imported_at"], reason: row["reason"])
    }
}

/// `SettlementTransaction` on one SQLite connection: the statements the close runs, beside the
/// ledger and journal parts it inherits.
final class SQLiteSettlementTransaction: SQLiteTransaction, SettlementTransaction {
    // MARK: Months and statements

    func state(month: String) throws -> SettlementState {
        guard let text = try String.fetchOne(db, sql: "SELECT state FROM settlement_months WHERE month = ?", arguments: [month]) else { return .open }
        return SettlementState(rawValue: text) ?? .open
    }

    func setState(month: String, _ state: SettlementState, by: String?, now: Int64, generation: String?, hash: String?) throws {
        try db.execute(sql: """
            INSERT INTO settlement_months (month, state, policy_generation, inputs_hash, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (month) DO UPDATE SET state = excluded.state,
                policy_generation = COALESCE(excluded.policy_generation, policy_generation),
                inputs_hash = COALESCE(excluded.inputs_hash, inputs_hash), updated_by = excluded.updated_by, updated_at = excluded.updated_at
            """, arguments: [month, state.rawValue, generation, hash, by, now])
    }

    func settlementMonth(_ month: String) throws -> SettlementMonth {
        let row = try Row.fetchOne(db, sql: "SELECT state, policy_generation, inputs_hash FROM settlement_months WHERE month = ?", arguments: [month])
        var statements: [SettlementStatement] = []
        let decoder = JSONDecoder()
        for text in try String.fetchAll(db, sql: """
            SELECT result FROM settlement_statements WHERE month = ? ORDER BY owner_kind DESC, owner_id
            """, arguments: [month]) {
            statements.append(try decoder.decode(SettlementStatement.self, from: Data(text.utf8)))
        }
        return SettlementMonth(
            month: month, state: row.flatMap { SettlementState(rawValue: $0[0]) } ?? .open, policyGeneration: row?[1], inputsHash: row?[2],
            statements: statements)
    }

    func replaceStatements(month: String, _ statements: [(SettlementStatement, String)]) throws {
        try db.execute(sql: "DELETE FROM settlement_statements WHERE month = ?", arguments: [month])
        let insert = try db.makeStatement(sql: """
            INSERT INTO settlement_statements (month, owner_kind, owner_id, guild_id, inputs, result, total, inputs_hash, policy_generation)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (s, inputsJSON) in statements {
            let result = String(decoding: try JSONEncoder.sorted.encode(s), as: UTF8.self)
            try insert.execute(arguments: [month, s.ownerKind, s.ownerID, s.guildID, inputsJSON, result, s.total, s.inputsHash, s.policyGeneration])
        }
    }

    // MARK: A run's facts

    func forEachEarning(from first: String, through last: String, _ body: (EarningsRow) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT owner_kind, owner_id, day, source, amount FROM earnings_daily
            WHERE day >= ? AND day <= ? AND owner_kind IN ('streamer', 'guild')
            """, arguments: [first, last])
        while let row = try rows.next() {
            try body(EarningsRow(ownerKind: row[0], ownerID: row[1], day: row[2], source: row[3], amount: row[4]))
        }
    }

    func dailyRevenue(from first: String, through last: String) throws -> [String: Int64] {
        var daily: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT day, SUM(amount) FROM earnings_daily WHERE day >= ? AND day <= ? AND owner_kind IN ('streamer', 'guild') GROUP BY day
            """, arguments: [first, last]) {
            daily[row[0]] = row[1]
        }
        return daily
    }

    func contracts(from first: String, through last: String) throws -> [String: [GuildContract]] {
        try SQLiteGuildStore.contracts(db, from: first, through: last)
    }

    func forEachLiveSession(from startMs: Int64, until endMs: Int64, _ body: (LiveSpan) throws -> Void) throws {
        let sessions = try Row.fetchCursor(db, sql: """
            SELECT streamer_id, started_at, ended_at FROM live_sessions
            WHERE started_at < ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY streamer_id, started_at
            """, arguments: [endMs, startMs])
        while let row = try sessions.next() {
            try body(LiveSpan(streamerID: row[0], startedAt: row[1], endedAt: row[2]))
        }
    }

    func journalBehind(consumer: String, types: [String], before: Int64) throws -> Bool {
        guard !types.isEmpty else { return false }
        let cursor = try Int64.fetchOne(db, sql: "SELECT offset FROM consumer_cursors WHERE name = ?", arguments: [consumer]) ?? 0
        return try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM journal WHERE offset > ? AND created_at < ? AND \(Journal.typeCondition(types)))
            """, arguments: StatementArguments([cursor, before]) + StatementArguments(types)) ?? false
    }

    // MARK: The earnings page and its reconciliation

    func earnings(streamer: String, days: [String]) throws -> [String: [String: Int64]] {
        var revenue: [String: [String: Int64]] = [:]
        // One seek per day: the table is keyed by day first.
        for row in try Row.fetchAll(db, sql: """
            SELECT day, source, amount FROM earnings_daily WHERE day IN (\(databaseQuestionMarks(count: days.count))) AND owner_kind = 'streamer' AND owner_id = ?
            """, arguments: StatementArguments(days + [streamer])) {
            revenue[row[0], default: [:]][row[1]] = row[2]
        }
        return revenue
    }

    func liveSessions(streamer: String) throws -> [LiveSpan] {
        try Row.fetchAll(db, sql: "SELECT started_at, ended_at FROM live_sessions WHERE streamer_id = ? ORDER BY started_at", arguments: [streamer])
            .map { LiveSpan(streamerID: streamer, startedAt: $0[0], endedAt: $0[1]) }
    }

    func earningsTotal() throws -> Int64 { try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(amount), 0) FROM earnings_daily") ?? 0 }

    func guildEarnings() throws -> [String: Int64] {
        // Every guild's in one pass over the table (it is keyed by day first).
        var out: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT owner_id, SUM(amount) FROM earnings_daily WHERE owner_kind = 'guild' GROUP BY owner_id") {
            out[row[0]] = row[1]
        }
        return out
    }

    func revenueIssuanceBalance() throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts WHERE owner_kind = 'system' AND owner = ? AND asset = 'revenue'
            """, arguments: [SystemAccount.revenueIssuance.rawValue]) ?? 0
    }

    func guildRevenueAccounts() throws -> [(guildID: String, balance: Int64, settled: Int64)] {
        try Row.fetchAll(db, sql: """
            SELECT a.owner, a.balance,
                COALESCE((SELECT SUM(amount) FROM ledger_transfers WHERE credit = a.num AND code = 'settlement'), 0)
              - COALESCE((SELECT SUM(amount) FROM ledger_transfers WHERE debit = a.num AND code = 'settlement'), 0)
            FROM ledger_accounts a WHERE a.owner_kind = 'guild' AND a.asset = 'revenue' ORDER BY a.owner
            """).map { (guildID: $0[0], balance: $0[1], settled: $0[2]) }
    }

    // MARK: Adjustments

    func adjustmentSums(month: String) throws -> [(ownerKind: String, ownerID: String, amount: Int64)] {
        try Row.fetchAll(db, sql: """
            SELECT owner_kind, owner_id, SUM(amount) FROM settlement_adjustments WHERE month = ? GROUP BY owner_kind, owner_id
            """, arguments: [month]
        ).map { (ownerKind: $0[0], ownerID: $0[1], amount: $0[2]) }
    }

    func adjustments(month: String) throws -> [SettlementAdjustment] {
        try Row.fetchAll(db, sql: "SELECT * FROM settlement_adjustments WHERE month = ? ORDER BY id", arguments: [month]).map { row in
            SettlementAdjustment(id: row["id"], month: row["month"], ownerKind: row["owner_kind"], ownerID: row["owner_id"], amount: row["amount"],
                reason: row["reason"], createdBy: row["created_by"], refersToMonth: row["refers_to_month"], createdAt: row["created_at"])
        }
    }

    func insertAdjustment(month: String, _ r: SettlementAdjustmentRequest, by: String, refersTo: String?, now: Int64) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO settlement_adjustments (month, owner_kind, owner_id, amount, reason, created_by, refers_to_month, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [month, r.ownerKind, r.ownerID, r.amount, r.reason, by, refersTo, now])
        return db.lastInsertedRowID
    }

    // MARK: Withdrawals

    func withdrawal(transferID: String) throws -> Withdrawal? {
        try Row.fetchOne(db, sql: "SELECT * FROM settlement_withdrawals WHERE transfer_id = ?", arguments: [transferID]).map(Withdrawal.init(row:))
    }

    func withdrawals(streamer: String) throws -> [Withdrawal] {
        try Row.fetchAll(db, sql: "SELECT * FROM settlement_withdrawals WHERE streamer_id = ? ORDER BY id DESC LIMIT 100", arguments: [streamer])
            .map(Withdrawal.init(row:))
    }

    func insertWithdrawal(streamer: String, month: String, amount: Int64, transferID: String, now: Int64) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO settlement_withdrawals (streamer_id, month, amount, transfer_id, state, requested_at) VALUES (?, ?, ?, ?, 'pending', ?)
            """, arguments: [streamer, month, amount, transferID, now])
        return db.lastInsertedRowID
    }

    func withdrawn(month: String) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT streamer_id, SUM(amount) FROM settlement_withdrawals WHERE month = ? AND state IN ('pending', 'imported') GROUP BY streamer_id
            """, arguments: [month]) {
            out[row[0]] = row[1]
        }
        return out
    }

    func pendingWithdrawals(month: String) throws -> [Withdrawal] {
        try Row.fetchAll(db, sql: "SELECT * FROM settlement_withdrawals WHERE month = ? AND state = 'pending' ORDER BY id", arguments: [month])
            .map(Withdrawal.init(row:))
    }

    func pendingWithdrawalCount(month: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM settlement_withdrawals WHERE month = ? AND state = 'pending'", arguments: [month]) ?? 0
    }

    func hasPendingWithdrawals(through last: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM settlement_withdrawals WHERE state = 'pending' AND month <= ?)", arguments: [last]) ?? false
    }

    func pendingWithdrawals(through last: String, limit: Int) throws -> [Withdrawal] {
        try Row.fetchAll(db, sql: """
            SELECT * FROM settlement_withdrawals WHERE state = 'pending' AND month <= ? ORDER BY id LIMIT ?
            """, arguments: [last, limit]).map(Withdrawal.init(row:))
    }

    func markImported(withdrawal id: Int64, now: Int64) throws {
        try db.execute(sql: "UPDATE settlement_withdrawals SET state = 'imported', imported_at = ? WHERE id = ?", arguments: [now, id])
    }

    func markExpired(withdrawal id: Int64, reason: String?) throws {
        try db.execute(sql: "UPDATE settlement_withdrawals SET state = 'expired', reason = ? WHERE id = ?", arguments: [reason, id])
    }
}
