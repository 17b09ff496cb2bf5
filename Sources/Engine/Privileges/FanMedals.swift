import Foundation
import GRDB

/// Fan medals: one per (viewer, streamer), earned with intimacy points. The rule is a script's:
/// `Scripts/gifts/fan_medal.lua` calls `ctx.fan_points(viewer, streamer, points, rule)` after a
/// gift is durable, with its level table and daily cap in `rule`; the host applies the cap per
/// operations-calendar day and derives the level, in the gift-steps consumer's transaction (so a
/// crash replays it exactly once). A viewer wears at most one medal at a time.
public struct FanMedals: Sendable {
    /// Most levels a rule's table may have.
    public static let levelsMax = 100
    /// Largest points value anywhere (a call's points, a cap, a threshold).
    public static let pointsMax: Int64 = 1_000_000_000_000
    /// Most medals one listing answers.
    public static let listMax = 200

    let store: Store
    let calendar: OperationsCalendar
    let clock: any WallClock
    /// Told when a worn medal changes (the privileges' shown cache).
    let onChange: @Sendable (String) -> Void

    /// - Parameters: calendar: where a day starts for the daily cap; onChange: called with a
    ///   viewer whose worn medal changed.
    public init(store: Store, calendar: OperationsCalendar, clock: any WallClock, onChange: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.calendar = calendar
        self.clock = clock
        self.onChange = onChange
    }

    /// A rule as a script passes it: points needed for each level (ascending), and the most
    /// points one viewer earns per streamer per day.
    public struct Rule: Sendable, Hashable {
        public var dailyCap: Int64
        public var levels: [Int64]
        public init(dailyCap: Int64, levels: [Int64]) {
            self.dailyCap = dailyCap
            self.levels = levels
        }

        /// The level `points` reach: how many thresholds are at or below them.
        func level(_ points: Int64) -> Int64 { Int64(levels.prefix(while: { $0 <= points }).count) }
    }

    /// A medal as its holder and scripts see it.
    public struct Medal: Sendable, Codable, Equatable {
        public var viewerID: String
        public var streamerID: String
        public var level: Int64
        public var points: Int64
        /// Points earned on the current operations day (what the daily cap counts).
        public var todayPoints: Int64
        public var firstAt: Int64
        public var updatedAt: Int64
        /// Whether its holder wears it now.
        public var worn: Bool

        enum CodingKeys: String, CodingKey {
            case level, points, worn
            case viewerID = "viewer_id"
            case streamerID = "streamer_id"
            case todayPoints = "today_points"
            case firstAt = "first_at"
            case updatedAt = "updated_at"
        }
    }

    /// Adds up to `points` (less when the day's cap is reached) to `viewer`'s medal for
    /// `streamer`, creating it on the first point; answers the points added.
    static func add(
        _ db: Database, viewer: String, streamer: String, points: Int64, rule: Rule, day: String, now: Int64
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

    /// `viewer`'s medal for `streamer`, if any.
    public static func medal(_ db: Database, viewer: String, streamer: String, day: String) throws -> Medal? {
        try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT m.viewer_id, m.streamer_id, m.level, m.points, m.day, m.day_points, m.first_at, m.updated_at,
                    w.streamer_id IS NOT NULL
                FROM fan_medals m LEFT JOIN worn_medals w ON w.viewer_id = m.viewer_id AND w.streamer_id = m.streamer_id
                WHERE m.viewer_id = ? AND m.streamer_id = ?
                """), arguments: [viewer, streamer]
        ).map { medal($0, day: day) }
    }

    static func medal(_ row: Row, day: String) -> Medal {
        Medal(
            viewerID: row[0], streamerID: row[1], level: row[2], points: row[3], todayPoints: (row[4] as String) == day ? row[5] : 0,
            firstAt: row[6], updatedAt: row[7], worn: row[8])
    }

    /// The medal `viewer` wears, as others see it.
    public static func worn(_ db: Database, viewer: String) throws -> WornMedal? {
        try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT w.streamer_id, m.level FROM worn_medals w
                JOIN fan_medals m ON m.viewer_id = w.viewer_id AND m.streamer_id = w.streamer_id WHERE w.viewer_id = ?
                """), arguments: [viewer]
        ).map { WornMedal(streamerID: $0[0], level: $0[1]) }
    }

    /// `viewer`'s medal for `streamer`.
    /// - Throws: `RequestError` 404 `medal_not_found`.
    public func medal(viewer: String, streamer: String) async throws -> Medal {
        let day = calendar.key(.daily, at: clock.nowMillis())
        guard let m = try await store.read({ db in try Self.medal(db, viewer: viewer, streamer: streamer, day: day) }) else {
            throw Self.notFound(viewer: viewer, streamer: streamer)
        }
        return m
    }

    static func notFound(viewer: String, streamer: String) -> RequestError {
        RequestError("medal_not_found", .notFound, "'\(viewer)' has no fan medal of '\(streamer)'")
    }

    /// `viewer`'s medals, most points first, at most `limit`.
    public func medals(viewer: String, limit: Int) async throws -> [Medal] {
        guard (1...Self.listMax).contains(limit) else {
            throw RequestError("invalid_query", .badRequest, "limit must be 1...\(Self.listMax)")
        }
        let day = calendar.key(.daily, at: clock.nowMillis())
        return try await store.read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT m.viewer_id, m.streamer_id, m.level, m.points, m.day, m.day_points, m.first_at, m.updated_at,
                        w.streamer_id IS NOT NULL
                    FROM fan_medals m LEFT JOIN worn_medals w ON w.viewer_id = m.viewer_id AND w.streamer_id = m.streamer_id
                    WHERE m.viewer_id = ? ORDER BY m.points DESC, m.streamer_id LIMIT ?
                    """, arguments: [viewer, limit]
            ).map { Self.medal($0, day: day) }
        }
    }

    /// `viewer` wears their medal of `streamer` (taking off any other).
    /// - Throws: `RequestError` 404 `medal_not_found`.
    public func wear(viewer: String, streamer: String) async throws -> Medal {
        let now = clock.nowMillis()
        let day = calendar.key(.daily, at: now)
        let medal = try await store.write { db in
            guard var m = try Self.medal(db, viewer: viewer, streamer: streamer, day: day) else {
                throw Self.notFound(viewer: viewer, streamer: streamer)
            }
            try db.execute(
                sql: """
                    INSERT INTO worn_medals (viewer_id, streamer_id, worn_at) VALUES (?, ?, ?)
                    ON CONFLICT (viewer_id) DO UPDATE SET streamer_id = excluded.streamer_id, worn_at = excluded.worn_at
                    """, arguments: [viewer, streamer, now])
            m.worn = true
            return m
        }
        onChange(viewer)
        return medal
    }

    /// `viewer` wears no medal; answers whether one was worn.
    public func takeOff(viewer: String) async throws -> Bool {
        let removed = try await store.write { db in
            try db.execute(sql: "DELETE FROM worn_medals WHERE viewer_id = ?", arguments: [viewer])
            return db.changesCount > 0
        }
        onChange(viewer)
        return removed
    }
}
