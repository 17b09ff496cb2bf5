import GRDB

/// Who follows which streamer. Following journals a `follow` fact that activity and task
/// handlers receive (`on = { follow = ... }`) and `ctx.follows(viewer, streamer)` reads.
///
/// A follow is a state, not an event stream: following again while following changes nothing,
/// and unfollowing then following again journals `follow` with `first = false`, so a script
/// that rewards follows pays for the first one only and an unfollow/follow loop farms nothing.
public struct Follows: Sendable {
    /// Journal fact types.
    public static let followType = "follow"
    public static let unfollowType = "unfollow"
    /// Most streamers one viewer may follow at once.
    public static let perViewerMax = 5_000

    let store: Store
    let clock: any WallClock

    /// - Parameters: store: the database; clock: follow times.
    public init(store: Store, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// The `follow` fact.
    public struct FollowFact: Sendable, Codable, Equatable {
        public let viewerID: String
        public let streamerID: String
        public let roomID: String
        /// Whether this viewer never followed this streamer before.
        public let first: Bool
        enum CodingKeys: String, CodingKey {
            case first
            case viewerID = "viewer_id"
            case streamerID = "streamer_id"
            case roomID = "room_id"
        }
    }

    /// What a follow request answers.
    public struct State: Sendable, Codable, Equatable {
        public let streamerID: String
        public let following: Bool
        /// When the current follow began (nil when not following).
        public let since: Int64?
        /// Current followers of the streamer.
        public let followers: Int
        enum CodingKeys: String, CodingKey {
            case following, since, followers
            case streamerID = "streamer_id"
        }
    }

    /// `viewer` follows `room`'s streamer (no change when already following).
    /// - Throws: `RequestError` `cannot_follow_self` (409), `too_many_follows` (409).
    public func follow(viewer: String, room: Room) async throws -> State {
        let now = clock.nowMillis()
        return try await store.write { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT active, followed_at FROM follows WHERE viewer_id = ? AND streamer_id = ?"),
                arguments: [viewer, room.streamerID])
            if let row, (row[0] as Int64) == 1 { return try Self.state(db, viewer: viewer, streamer: room.streamerID) }
            guard viewer != room.streamerID else {
                throw RequestError("cannot_follow_self", .conflict, "a streamer cannot follow themselves")
            }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follows WHERE viewer_id = ? AND active = 1", arguments: [viewer]) ?? 0
            guard count < Self.perViewerMax else {
                throw RequestError("too_many_follows", .conflict, "a viewer follows at most \(Self.perViewerMax) streamers; unfollow one first")
            }
            try db.execute(
                sql: """
                    INSERT INTO follows (viewer_id, streamer_id, active, followed_at, first_followed_at) VALUES (?, ?, 1, ?, ?)
                    ON CONFLICT (viewer_id, streamer_id) DO UPDATE SET active = 1, followed_at = excluded.followed_at
                    """,
                arguments: [viewer, room.streamerID, now, now])
            _ = try Journal.append(
                db, type: Self.followType,
                payload: FollowFact(viewerID: viewer, streamerID: room.streamerID, roomID: room.id, first: row == nil), at: now)
            return try Self.state(db, viewer: viewer, streamer: room.streamerID)
        }
    }

    /// `viewer` stops following `room`'s streamer (no change when not following).
    public func unfollow(viewer: String, room: Room) async throws -> State {
        let now = clock.nowMillis()
        return try await store.write { db in
            try db.execute(
                sql: "UPDATE follows SET active = 0 WHERE viewer_id = ? AND streamer_id = ? AND active = 1",
                arguments: [viewer, room.streamerID])
            if db.changesCount > 0 {
                _ = try Journal.append(
                    db, type: Self.unfollowType, payload: ["viewer_id": viewer, "streamer_id": room.streamerID, "room_id": room.id], at: now)
            }
            return try Self.state(db, viewer: viewer, streamer: room.streamerID)
        }
    }

    /// Whether `viewer` follows `room`'s streamer, and the streamer's follower count.
    public func state(viewer: String, room: Room) async throws -> State {
        try await store.read { db in try Self.state(db, viewer: viewer, streamer: room.streamerID) }
    }

    static func state(_ db: Database, viewer: String, streamer: String) throws -> State {
        let since = try Int64.fetchOne(
            db, sql: "SELECT followed_at FROM follows WHERE viewer_id = ? AND streamer_id = ? AND active = 1", arguments: [viewer, streamer])
        let followers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follows WHERE streamer_id = ? AND active = 1", arguments: [streamer]) ?? 0
        return State(streamerID: streamer, following: since != nil, since: since, followers: followers)
    }

    /// Whether `viewer` follows `streamer` now (for `ctx.follows`).
    static func isFollowing(_ db: Database, viewer: String, streamer: String) throws -> Bool {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM follows WHERE viewer_id = ? AND streamer_id = ? AND active = 1"),
            arguments: [viewer, streamer]) != nil
    }
}
