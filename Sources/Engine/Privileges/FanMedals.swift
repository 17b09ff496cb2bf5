import EngineCore
import Scripting

/// Fan medals: one per (viewer, streamer), earned with intimacy points. The rule is a script's:
/// `Scripts/gifts/fan_medal.lua` calls `ctx.fan_points(viewer, streamer, points, rule)` after a
/// gift is durable, with its level table and daily cap in `rule`; the host applies the cap per
/// operations-calendar day and derives the level, in the gift-steps consumer's transaction (so a
/// crash replays it exactly once). A viewer wears at most one medal at a time.
public struct FanMedals: Sendable {
    /// Most levels a rule's table may have.
    public static let levelsMax = FanMedalRule.levelsMax
    /// Largest points value anywhere (a call's points, a cap, a threshold).
    public static let pointsMax = FanMedalRule.pointsMax
    /// Most medals one listing answers.
    public static let listMax = 200

    let store: any PrivilegeStore
    let calendar: OperationsCalendar
    let clock: any WallClock
    /// Told when a worn medal changes (the privileges' shown cache).
    let onChange: @Sendable (String) -> Void

    /// - Parameters: store: where medals live; calendar: where a day starts for the daily cap;
    ///   onChange: called with a viewer whose worn medal changed.
    public init(
        store: any PrivilegeStore, calendar: OperationsCalendar, clock: any WallClock, onChange: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.calendar = calendar
        self.clock = clock
        self.onChange = onChange
    }

    /// A rule as a script passes it (`ctx.fan_points`).
    public typealias Rule = FanMedalRule

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

        package init(
            viewerID: String, streamerID: String, level: Int64, points: Int64, todayPoints: Int64, firstAt: Int64,
            updatedAt: Int64, worn: Bool
        ) {
            self.viewerID = viewerID
            self.streamerID = streamerID
            self.level = level
            self.points = points
            self.todayPoints = todayPoints
            self.firstAt = firstAt
            self.updatedAt = updatedAt
            self.worn = worn
        }

        enum CodingKeys: String, CodingKey {
            case level, points, worn
            case viewerID = "viewer_id"
            case streamerID = "streamer_id"
            case todayPoints = "today_points"
            case firstAt = "first_at"
            case updatedAt = "updated_at"
        }
    }

    /// `viewer`'s medal for `streamer`.
    /// - Throws: `RequestError` 404 `medal_not_found`.
    public func medal(viewer: String, streamer: String) async throws -> Medal {
        let day = calendar.key(.daily, at: clock.nowMillis())
        guard let m = try await store.read({ tx in try tx.medal(viewer: viewer, streamer: streamer, day: day) }) else {
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
        return try await store.read { tx in try tx.medals(viewer: viewer, limit: limit, day: day) }
    }

    /// `viewer` wears their medal of `streamer` (taking off any other).
    /// - Throws: `RequestError` 404 `medal_not_found`.
    public func wear(viewer: String, streamer: String) async throws -> Medal {
        let now = clock.nowMillis()
        let day = calendar.key(.daily, at: now)
        let medal = try await store.write { tx in
            guard var m = try tx.medal(viewer: viewer, streamer: streamer, day: day) else {
                throw Self.notFound(viewer: viewer, streamer: streamer)
            }
            try tx.wear(viewer: viewer, streamer: streamer, at: now)
            m.worn = true
            return m
        }
        onChange(viewer)
        return medal
    }

    /// `viewer` wears no medal; answers whether one was worn.
    public func takeOff(viewer: String) async throws -> Bool {
        let removed = try await store.write { tx in try tx.takeOff(viewer: viewer) }
        onChange(viewer)
        return removed
    }
}
