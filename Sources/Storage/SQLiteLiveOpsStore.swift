import Books
import Engine
import EngineCore
import Foundation
import GRDB
import LiveOps
import Logging
import Scripting

/// `LiveOpsStore` on the SQLite store: `leaderboard_periods`, `leaderboard_scores`,
/// `activity_runs`, `chest_progress`, `wheel_spins`, `task_progress`, `task_claims` and the
/// `inventory_*` tables, in the store's transactions, with `ledger` for the money they move.
///
/// The live-ops statements are methods of `SQLiteTransaction` itself (`extension
/// SQLiteTransaction: LiveOpsTransaction`), not of a subclass: the activities and tasks
/// consumers run in the transaction object the journal consumers' runner opens, once per
/// batch, and `transaction(_:)` hands that same object back as the live-ops part, so a journal
/// entry costs no allocation on the way to its statements.
public struct SQLiteLiveOpsStore: LiveOpsStore {
    let store: Store
    let ledger: Ledger

    /// - Parameters: store: the database, migrated; ledger: the ledger wheel costs, claims'
    ///   balances and rewards move through, in the same transactions.
    public init(_ store: Store, ledger: Ledger) {
        self.store = store
        self.ledger = ledger
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any LiveOpsTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.write({ db in SQLiteTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any LiveOpsTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.read({ db in SQLiteTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    public func transaction(_ tx: any StoreTransaction) -> any LiveOpsTransaction {
        guard let sqlite = tx as? SQLiteTransaction else { preconditionFailure("a \(type(of: tx)) is not a SQLite transaction") }
        return sqlite
    }
}

extension SQLiteTransaction: LiveOpsTransaction {
    // MARK: Leaderboards

    func leaderboardPeriods() throws -> [(key: BoardKey, order: String, closed: Bool)] {
        try Row.fetchAll(db, sql: "SELECT scope, board, period, ord, closed_at FROM leaderboard_periods").map { row in
            (BoardKey(scope: row["scope"], board: row["board"], period: row["period"]), row["ord"], (row["closed_at"] as Int64?) != nil)
        }
    }

    func forEachLeaderboardScore(_ body: (BoardKey, RankedEntry) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT scope, board, period, member, score, reached_at, seq FROM leaderboard_scores")
        while let row = try rows.next() {
            try body(
                BoardKey(scope: row["scope"], board: row["board"], period: row["period"]),
                RankedEntry(member: row["member"], score: row["score"], reachedAt: row["reached_at"], seq: row["seq"]))
        }
    }

    func openLeaderboardPeriod(_ key: BoardKey, order: RankOrder, at now: Int64) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO leaderboard_periods (scope, board, period, ord, opened_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [key.scope, key.board, key.period, order.rawValue, now])
    }

    func closeLeaderboardPeriod(_ key: BoardKey, at now: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO leaderboard_periods (scope, board, period, ord, opened_at, closed_at) VALUES (?, ?, ?, 'desc', ?, ?)
                ON CONFLICT (scope, board, period) DO UPDATE SET closed_at = excluded.closed_at
                """,
            arguments: [key.scope, key.board, key.period, now, now])
    }

    // The checkpoint's rows are written `INSERT OR REPLACE`, not as upserts: on a WITHOUT ROWID
    // table with its key as its only index, a replace writes the row where `ON CONFLICT DO
    // UPDATE` finds the old one and then rewrites it (the three writes below took about a
    // seventh less CPU in `liveops`). A replace deletes the old row, so it fires no update
    // trigger and would cascade a foreign key's `ON DELETE`; none of these tables has either.
    func saveLeaderboardScores(_ rows: [(Leaderboards.Pending, RankedEntry?)]) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO leaderboard_scores (scope, board, period, member, score, reached_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let delete = try db.cachedStatement(
            sql: "DELETE FROM leaderboard_scores WHERE scope = ? AND board = ? AND period = ? AND member = ?")
        for (p, entry) in rows {
            if let e = entry {
                try upsert.runRaw(.text(p.key.scope), .text(p.key.board), .text(p.key.period), .text(p.member), .int(e.score), .int(e.reachedAt), .int(e.seq))
            } else {
                try delete.runRaw(.text(p.key.scope), .text(p.key.board), .text(p.key.period), .text(p.member))
            }
        }
    }

    // MARK: Activities

    func chestProgress(_ key: ChestProgress.Key) throws -> ChestProgress.Value? {
        // Read by position straight from SQLite: a viewer's first gift to a chest misses memory.
        try db.cachedStatement(sql: "SELECT progress, opened FROM chest_progress WHERE activity = ? AND chest = ? AND owner = ?")
            .firstRowRaw(.text(key.activity), .text(key.chest), .text(key.owner)) { row in
                ChestProgress.Value(progress: rawInt(row, 0) ?? 0, opened: rawInt(row, 1) ?? 0)
            }
    }

    func saveChestProgress(_ rows: [(ChestProgress.Key, ChestProgress.Value)]) throws {
        guard !rows.isEmpty else { return }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO chest_progress (activity, chest, owner, progress, opened) VALUES (?, ?, ?, ?, ?)
                """)
        for (k, v) in rows { try upsert.runRaw(.text(k.activity), .text(k.chest), .text(k.owner), .int(v.progress), .int(v.opened)) }
    }

    func activityEnded(_ activity: String) throws -> Bool {
        try Int64.fetchOne(db, sql: "SELECT ended_at FROM activity_runs WHERE activity = ?", arguments: [activity]) != nil
    }

    func recordActivityEnd(_ activity: String, at: Int64, journalOffset: Int64) throws {
        try db.execute(
            sql: "INSERT INTO activity_runs (activity, ended_at, journal_offset) VALUES (?, ?, ?)", arguments: [activity, at, journalOffset])
    }

    func wheelSpin(user: String, idempotencyKey: String) throws -> (bodyHash: String, outcome: String)? {
        try Row.fetchOne(
            db, sql: "SELECT body_hash, outcome FROM wheel_spins WHERE user_id = ? AND idempotency_key = ?", arguments: [user, idempotencyKey]
        ).map { row in (row["body_hash"], row["outcome"]) }
    }

    func saveWheelSpin(user: String, idempotencyKey: String, bodyHash: String, outcome: String, at now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO wheel_spins (user_id, idempotency_key, body_hash, outcome, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [user, idempotencyKey, bodyHash, outcome, now])
    }

    // MARK: Tasks

    func taskProgress(task: String, user: String, period: String) throws -> Int64? {
        try db.cachedStatement(sql: "SELECT progress FROM task_progress WHERE task = ? AND user_id = ? AND period = ?")
            .firstRowRaw(.text(task), .text(user), .text(period), read: { rawInt($0, 0) ?? 0 })
    }

    func saveTaskProgress(_ rows: [TaskProgress.Key: (value: Int64, at: Int64)]) throws {
        guard !rows.isEmpty else { return }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO task_progress (task, user_id, period, progress, updated_at) VALUES (?, ?, ?, ?, ?)
                """)
        for (k, v) in rows { try upsert.runRaw(.text(k.task), .text(k.user), .text(k.period), .int(v.value), .int(v.at)) }
    }

    func claimedStages(task: String, user: String, period: String) throws -> Set<Int> {
        Set(try Int.fetchAll(
            db, sql: "SELECT stage FROM task_claims WHERE task = ? AND user_id = ? AND period = ?", arguments: [task, user, period]))
    }

    func stageClaimed(task: String, user: String, period: String, stage: Int) throws -> Bool {
        try Int64.fetchOne(
            db, sql: "SELECT claimed_at FROM task_claims WHERE task = ? AND user_id = ? AND period = ? AND stage = ?",
            arguments: [task, user, period, stage]) != nil
    }

    func saveTaskClaim(task: String, user: String, period: String, stage: Int, rewardsJSON: String, at now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO task_claims (task, user_id, period, stage, claimed_at, rewards) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [task, user, period, stage, now, rewardsJSON])
    }

    func appendPacked(type: String, facts: [(hostJSON: String, at: Int64)]) throws {
        _ = try Journal.appendPacked(db, type: type, facts: facts)
    }

    // MARK: Inventory

    func recordInventoryGrant(origin: String, user: String, kind: String, name: String, amount: Int64, at now: Int64) throws -> Bool {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO inventory_grants (origin, user_id, kind, name, amount, granted_at) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [origin, user, kind, name, amount, now])
        return db.changesCount > 0
    }

    func grantBadge(user: String, badge: String, origin: String, at now: Int64) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO inventory_badges (user_id, badge, granted_at, origin) VALUES (?, ?, ?, ?)")
            .execute(arguments: [user, badge, now, origin])
    }

    func addItems(user: String, item: String, count: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO inventory_items (user_id, item, count) VALUES (?, ?, ?)
            ON CONFLICT (user_id, item) DO UPDATE SET count = count + excluded.count
            """).execute(arguments: [user, item, count])
    }

    func inventory(user: String) throws -> Inventory {
        try SQLiteLiveOpsStore.inventory(db, user: user)
    }

    // MARK: Other parts, with the domain's ledger

    func handlerReads(ledger: Ledger, calendar: OperationsCalendar) -> any ScriptReads {
        LedgerReads(db: db, ledger: ledger, calendar: calendar)
    }

    func effectsTransaction(ledger: Ledger) -> any StoreTransaction {
        SQLiteTransaction(db: db, ledger: ledger)
    }

    func applyTransfers(_ chain: [TransferRequest], ledger: Ledger, now: Int64, callerRollsBack: Bool) throws -> [Transfer] {
        try ledger.apply(db, chain, now: now, callerRollsBack: callerRollsBack)
    }
}

extension SQLiteLiveOpsStore {
    /// The badges and items `user` holds, read in the caller's transaction (`db`).
    static func inventory(_ db: Database, user: String) throws -> Inventory {
        let badges = try String.fetchAll(db, sql: "SELECT badge FROM inventory_badges WHERE user_id = ? ORDER BY badge", arguments: [user])
        var items: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT item, count FROM inventory_items WHERE user_id = ?", arguments: [user]) {
            items[row["item"]] = row["count"]
        }
        return Inventory(badges: badges, items: items)
    }
}

// MARK: The domain types over the SQLite store (callers that hold the `Store` or a connection)

extension Activities {
    /// Activities over the SQLite store, paying through `ledger`.
    /// - Parameters: as `init(store:scripts:ledger:leaderboards:calendar:feed:events:logger:)`.
    public convenience init(
        store: Store, scripts: ScriptRuntime, ledger: Ledger, leaderboards: Leaderboards = Leaderboards(),
        calendar: OperationsCalendar = OperationsCalendar(), feed: LeaderboardFeed = LeaderboardFeed(),
        events: HandlerEvents = HandlerEvents(), logger: Logger = Logger(label: "showrunner.activities")
    ) {
        self.init(
            store: SQLiteLiveOpsStore(store, ledger: ledger) as any LiveOpsStore, scripts: scripts, ledger: ledger, leaderboards: leaderboards,
            calendar: calendar, feed: feed, events: events, logger: logger)
    }
}

extension Tasks {
    /// Tasks over the SQLite store, paying through `ledger`.
    /// - Parameters: as `init(store:scripts:ledger:calendar:clock:events:progressCacheMax:logger:)`.
    public convenience init(
        store: Store, scripts: ScriptRuntime, ledger: Ledger, calendar: OperationsCalendar = OperationsCalendar(),
        clock: any WallClock = SystemWallClock(), events: HandlerEvents = HandlerEvents(),
        progressCacheMax: Int = Tasks.defaultProgressCacheMax, logger: Logger = Logger(label: "showrunner.tasks")
    ) {
        self.init(
            store: SQLiteLiveOpsStore(store, ledger: ledger) as any LiveOpsStore, scripts: scripts, ledger: ledger, calendar: calendar,
            clock: clock, events: events, progressCacheMax: progressCacheMax, logger: logger)
    }
}

extension Leaderboards {
    /// `load(_:)` on a connection inside a read or write transaction.
    public func load(_ db: Database) throws { try load(SQLiteTransaction(noLedger: db)) }

    /// `reloadIfDirty(_:)` on a connection inside the writer's transaction.
    public func reloadIfDirty(_ db: Database) throws { try reloadIfDirty(SQLiteTransaction(noLedger: db)) }

    /// `apply(_:_:spec:member:op:value:at:undo:deferPeriodRow:)` on a connection inside the
    /// writer's transaction, writing a new board's period row at once.
    @discardableResult
    public func apply(
        _ db: Database, _ key: BoardKey, spec: BoardSpec, member: String, op: BoardOp, value: Int64, at now: Int64, undo: inout BoardUndo
    ) throws -> RankedEntry? {
        try apply(SQLiteTransaction(noLedger: db), key, spec: spec, member: member, op: op, value: value, at: now, undo: &undo)
    }

    /// `flush(_:)` on a connection inside the writer's transaction.
    public func flush(_ db: Database) throws { try flush(SQLiteTransaction(noLedger: db)) }

    /// `close(_:_:at:undo:)` on a connection inside the writer's transaction.
    public func close(_ db: Database, _ key: BoardKey, at now: Int64, undo: inout BoardUndo) throws {
        try close(SQLiteTransaction(noLedger: db), key, at: now, undo: &undo)
    }
}

extension ChestProgress {
    /// `value(_:in:)` on a connection inside a transaction.
    func value(_ key: Key, in db: Database) throws -> Value { try value(key, in: SQLiteTransaction(noLedger: db)) }

    /// `flush(_:)` on a connection inside the writer's transaction.
    func flush(_ db: Database) throws { try flush(SQLiteTransaction(noLedger: db)) }

    /// `sealRows()`, its write on a connection.
    func seal() -> @Sendable (Database) throws -> Void {
        let write = sealRows()
        return { db in try write(SQLiteTransaction(noLedger: db)) }
    }
}

extension RewardPayer {
    /// `pay(_:user:rewards:origin:memo:at:callerRollsBack:)` on a connection inside the writer's
    /// transaction.
    public func pay(
        _ db: Database, user: String, rewards: [Reward], origin: String, memo: String, at now: Int64, callerRollsBack: Bool = false
    ) throws {
        try pay(
            SQLiteTransaction(db: db, ledger: ledger), user: user, rewards: rewards, origin: origin, memo: memo, at: now,
            callerRollsBack: callerRollsBack)
    }

    /// The badges and items `user` holds, read in the caller's transaction (`db`).
    /// - Throws: storage errors.
    public static func inventory(_ db: Database, user: String) throws -> Inventory {
        try SQLiteLiveOpsStore.inventory(db, user: user)
    }
}
