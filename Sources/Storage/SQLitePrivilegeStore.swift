import Books
import Engine
import EngineCore
import Foundation
import GRDB
import Rooms

/// `PrivilegeStore` on the SQLite store: `privilege_products`, `privileges`,
/// `privilege_purchases`, `fan_medals` and `worn_medals`, in the store's transactions, with the
/// ledger and journal of `SQLiteTransaction`.
public struct SQLitePrivilegeStore: PrivilegeStore {
    let store: Store
    let ledger: Ledger

    /// - Parameters: store: the database; ledger: what the transactions' money moves through.
    public init(_ store: Store, ledger: Ledger) {
        self.store = store
        self.ledger = ledger
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any PrivilegeTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.write({ db in SQLitePrivilegeTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any PrivilegeTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.read({ db in SQLitePrivilegeTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    /// `viewer`'s medal for `streamer`, read in the caller's transaction (the script-test engine's).
    static func medal(_ db: Database, viewer: String, streamer: String, day: String) throws -> FanMedals.Medal? {
        try SQLitePrivilegeReads(db: db).medal(viewer: viewer, streamer: streamer, day: day)
    }

    /// Adds up to `points` (less when the day's cap is reached) to `viewer`'s medal for
    /// `streamer`, creating it on the first point; answers the points added. Runs on every gift
    /// (the gift steps' `ctx.fan_points`), in the caller's write transaction.
    static func addFanPoints(
        _ db: Database, viewer: String, streamer: String, points: Int64, rule: FanMedals.Rule, day: String, now: Int64
    ) throws -> Int64 {
        // Both statements prepared once per connection and bound by position: a gift step adds
        // points on every gift, and compiling the upsert each time was most of its cost.
        let (total, today) = try db.cachedStatement(sql: "SELECT points, day, day_points FROM fan_medals WHERE viewer_id = ? AND streamer_id = ?")
            .firstRowRaw(.text(viewer), .text(streamer)) { row in
                (rawInt(row, 0) ?? 0, rawText(row, 1) == day ? rawInt(row, 2) ?? 0 : 0)
            } ?? (0, 0)
        let room = max(0, rule.dailyCap - today)
        let added = min(points, room)
        guard added > 0 else { return 0 }
        let (sum, overflow) = total.addingReportingOverflow(added)
        let newTotal = overflow ? Int64.max : sum
        try db.cachedStatement(
            sql: """
                INSERT INTO fan_medals (viewer_id, streamer_id, points, level, day, day_points, first_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (viewer_id, streamer_id) DO UPDATE SET points = excluded.points, level = excluded.level,
                    day = excluded.day, day_points = excluded.day_points, updated_at = excluded.updated_at
                """
        ).runRaw(.text(viewer), .text(streamer), .int(newTotal), .int(rule.level(newTotal)), .text(day), .int(today + added), .int(now), .int(now))
        return added
    }
}

/// `PrivilegeReads` on one connection: the statements shared by the privilege transaction and
/// by script handlers' reads (`SQLitePrivilegeReads`).
protocol SQLitePrivilegeReading: PrivilegeReads {
    var db: Database { get }
}

extension SQLitePrivilegeReading {
    func medal(viewer: String, streamer: String, day: String) throws -> FanMedals.Medal? {
        try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT m.viewer_id, m.streamer_id, m.level, m.points, m.day, m.day_points, m.first_at, m.updated_at,
                    w.streamer_id IS NOT NULL
                FROM fan_medals m LEFT JOIN worn_medals w ON w.viewer_id = m.viewer_id AND w.streamer_id = m.streamer_id
                WHERE m.viewer_id = ? AND m.streamer_id = ?
                """), arguments: [viewer, streamer]
        ).map { medal($0, day: day) }
    }

    /// A medal from the columns `medal` and `medals` select; today's points are `day`'s.
    func medal(_ row: Row, day: String) -> FanMedals.Medal {
        FanMedals.Medal(
            viewerID: row[0], streamerID: row[1], level: row[2], points: row[3], todayPoints: (row[4] as String) == day ? row[5] : 0,
            firstAt: row[6], updatedAt: row[7], worn: row[8])
    }

    func wornMedal(viewer: String) throws -> WornMedal? {
        try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT w.streamer_id, m.level FROM worn_medals w
                JOIN fan_medals m ON m.viewer_id = w.viewer_id AND m.streamer_id = w.streamer_id WHERE w.viewer_id = ?
                """), arguments: [viewer]
        ).map { WornMedal(streamerID: $0[0], level: $0[1]) }
    }

    func guardHeld(viewer: String, streamer: String, now: Int64) throws -> (tier: String, rank: Int64, product: String, expiresAt: Int64)? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT p.tier, p.tier_rank, p.product, p.expires_at FROM privileges p JOIN privilege_products d ON d.id = p.product
                WHERE p.user_id = ? AND p.scope = ? AND d.kind = 'guard' AND p.expires_at > ?
                ORDER BY p.tier_rank DESC LIMIT 1
                """), arguments: [viewer, streamer, now])
        return row.map { ($0[0], $0[1], $0[2], $0[3]) }
    }

    func vipHeld(user: String, line: String, now: Int64) throws -> (tier: String, rank: Int64, expiresAt: Int64)? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT p.tier, p.tier_rank, p.expires_at FROM privileges p JOIN privilege_products d ON d.id = p.product
                WHERE p.user_id = ? AND p.product = ? AND p.scope = '' AND d.kind = 'vip' AND p.expires_at > ?
                """), arguments: [user, line, now])
        return row.map { ($0[0], $0[1], $0[2]) }
    }

    func activeHoldingKinds(user: String, now: Int64) throws
        -> [(product: String, kind: String, tier: String, rank: Int64, scope: String, expiresAt: Int64)]
    {
        try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT p.product, d.kind, p.tier, p.tier_rank, p.scope, p.expires_at FROM privileges p
                JOIN privilege_products d ON d.id = p.product
                WHERE p.user_id = ? AND p.expires_at > ? ORDER BY p.product, p.scope
                """), arguments: [user, now]
        ).map { ($0[0], $0[1], $0[2], $0[3], $0[4], $0[5]) }
    }
}

/// The privilege reads of a script handler's connection (`StoreScriptReads.privilegeReads`).
struct SQLitePrivilegeReads: SQLitePrivilegeReading {
    let db: Database
}

// The script handlers' reads over a connection (`GiftPlan.swift`) read privileges through it.
extension BatchReads {
    var privilegeReads: any PrivilegeReads { SQLitePrivilegeReads(db: db) }
}

extension LedgerReads {
    var privilegeReads: any PrivilegeReads { SQLitePrivilegeReads(db: db) }
}

/// `PrivilegeTransaction` on one SQLite connection inside an open transaction.
final class SQLitePrivilegeTransaction: SQLiteTransaction, PrivilegeTransaction, SQLitePrivilegeReading {
    // MARK: Catalog

    func productVersion(id: String) throws -> (kind: String, version: Int64)? {
        try Row.fetchOne(db, sql: "SELECT kind, version FROM privilege_products WHERE id = ?", arguments: [id]).map { ($0[0], $0[1]) }
    }

    func saveProduct(_ p: PrivilegeProduct, at now: Int64) throws {
        let body = String(decoding: try JSONEncoder.sorted.encode(p), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO privilege_products (id, kind, version, body, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, version = excluded.version, body = excluded.body, updated_at = excluded.updated_at
                """,
            arguments: [p.id, p.kind.rawValue, p.version, body, now])
    }

    func products() throws -> [PrivilegeProduct] {
        try Row.fetchAll(db, sql: "SELECT body FROM privilege_products").map {
            try JSONDecoder().decode(PrivilegeProduct.self, from: Data(($0[0] as String).utf8))
        }
    }

    // MARK: Purchases

    func purchaseRecord(buyer: String, key: String) throws -> (request: String, outcomeJSON: String)? {
        try Row.fetchOne(
            db, sql: "SELECT request, outcome FROM privilege_purchases WHERE buyer_id = ? AND idempotency_key = ?",
            arguments: [buyer, key]
        ).map { ($0[0], $0[1]) }
    }

    func recordPurchase(buyer: String, key: String, request: String, outcomeJSON: String, at now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO privilege_purchases (buyer_id, idempotency_key, request, outcome, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [buyer, key, request, outcomeJSON, now])
    }

    func holding(user: String, product: String, scope: String) throws
        -> (tier: String, rank: Int64, startedAt: Int64, expiresAt: Int64, expiryJournaled: Bool)?
    {
        try Row.fetchOne(
            db,
            sql: "SELECT tier, tier_rank, started_at, expires_at, expiry_journaled FROM privileges WHERE user_id = ? AND product = ? AND scope = ?",
            arguments: [user, product, scope]
        ).map { ($0[0], $0[1], $0[2], $0[3], ($0[4] as Int64) != 0) }
    }

    func saveHolding(user: String, product: String, scope: String, tier: String, rank: Int64, startedAt: Int64, expiresAt: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO privileges (user_id, product, scope, tier, tier_rank, started_at, expires_at, expiry_journaled)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0)
                ON CONFLICT (user_id, product, scope) DO UPDATE SET tier = excluded.tier, tier_rank = excluded.tier_rank,
                    started_at = excluded.started_at, expires_at = excluded.expires_at, expiry_journaled = 0
                """,
            arguments: [user, product, scope, tier, rank, startedAt, expiresAt])
    }

    // MARK: Expiry

    func unsweptExpiries(now: Int64, limit: Int) throws -> [(user: String, product: String, scope: String, tier: String, expiresAt: Int64)] {
        try Row.fetchAll(
            db, sql: """
                SELECT user_id, product, scope, tier, expires_at FROM privileges
                WHERE expiry_journaled = 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?
                """, arguments: [now, limit]
        ).map { ($0[0], $0[1], $0[2], $0[3], $0[4]) }
    }

    func markExpiryJournaled(user: String, product: String, scope: String, expiresAt: Int64) throws {
        try db.execute(
            sql: "UPDATE privileges SET expiry_journaled = 1 WHERE user_id = ? AND product = ? AND scope = ? AND expires_at = ?",
            arguments: [user, product, scope, expiresAt])
    }

    // MARK: Holdings

    func activeHoldings(user: String, now: Int64) throws
        -> [(product: String, scope: String, tier: String, rank: Int64, startedAt: Int64, expiresAt: Int64)]
    {
        try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT product, scope, tier, tier_rank, started_at, expires_at FROM privileges
                WHERE user_id = ? AND expires_at > ?
                """), arguments: [user, now]
        ).map { ($0[0], $0[1], $0[2], $0[3], $0[4], $0[5]) }
    }

    // MARK: Fan medals

    func medals(viewer: String, limit: Int, day: String) throws -> [FanMedals.Medal] {
        try Row.fetchAll(
            db, sql: """
                SELECT m.viewer_id, m.streamer_id, m.level, m.points, m.day, m.day_points, m.first_at, m.updated_at,
                    w.streamer_id IS NOT NULL
                FROM fan_medals m LEFT JOIN worn_medals w ON w.viewer_id = m.viewer_id AND w.streamer_id = m.streamer_id
                WHERE m.viewer_id = ? ORDER BY m.points DESC, m.streamer_id LIMIT ?
                """, arguments: [viewer, limit]
        ).map { medal($0, day: day) }
    }

    func wear(viewer: String, streamer: String, at now: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO worn_medals (viewer_id, streamer_id, worn_at) VALUES (?, ?, ?)
                ON CONFLICT (viewer_id) DO UPDATE SET streamer_id = excluded.streamer_id, worn_at = excluded.worn_at
                """, arguments: [viewer, streamer, now])
    }

    func takeOff(viewer: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM worn_medals WHERE viewer_id = ?", arguments: [viewer])
        return db.changesCount > 0
    }
}

extension Privileges {
    /// Privileges on the SQLite store, purchases paid through `ledger`.
    /// - Parameters: store, ledger: where holdings and money live; clock: purchase and expiry time.
    public convenience init(store: Store, ledger: Ledger, clock: any WallClock = SystemWallClock()) {
        self.init(store: SQLitePrivilegeStore(store, ledger: ledger), clock: clock)
    }
}

extension FanMedals {
    /// Fan medals on the SQLite store. They move no money: the transactions' ledger part is a
    /// standard ledger on the same store, never used.
    /// - Parameters: calendar: where a day starts for the daily cap; onChange: called with a
    ///   viewer whose worn medal changed.
    public init(
        store: Store, calendar: OperationsCalendar, clock: any WallClock, onChange: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.init(
            store: SQLitePrivilegeStore(store, ledger: Ledger(store: store, clock: clock)), calendar: calendar, clock: clock, onChange: onChange)
    }
}
