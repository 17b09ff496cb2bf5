import Books
import Engine
import GRDB
import Rooms

/// `FollowStore` on the SQLite store: the `follows` table.
public struct SQLiteFollowStore: FollowStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func follow(viewer: String, room: Room, at now: Int64, followsMax: Int) async throws -> FollowOutcome {
        try await store.write { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT active, followed_at FROM follows WHERE viewer_id = ? AND streamer_id = ?"),
                arguments: [viewer, room.streamerID])
            if let row, (row[0] as Int64) == 1 { return .alreadyFollowing(try Self.state(db, viewer: viewer, streamer: room.streamerID)) }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follows WHERE viewer_id = ? AND active = 1", arguments: [viewer]) ?? 0
            guard count < followsMax else { return .limitReached }
            try db.execute(
                sql: """
                    INSERT INTO follows (viewer_id, streamer_id, active, followed_at, first_followed_at) VALUES (?, ?, 1, ?, ?)
                    ON CONFLICT (viewer_id, streamer_id) DO UPDATE SET active = 1, followed_at = excluded.followed_at
                    """,
                arguments: [viewer, room.streamerID, now, now])
            _ = try Journal.append(
                db, type: Follows.followType,
                payload: Follows.FollowFact(viewerID: viewer, streamerID: room.streamerID, roomID: room.id, first: row == nil), at: now)
            return .followed(try Self.state(db, viewer: viewer, streamer: room.streamerID))
        }
    }

    public func unfollow(viewer: String, room: Room, at now: Int64) async throws -> Follows.State {
        try await store.write { db in
            try db.execute(
                sql: "UPDATE follows SET active = 0 WHERE viewer_id = ? AND streamer_id = ? AND active = 1",
                arguments: [viewer, room.streamerID])
            if db.changesCount > 0 {
                _ = try Journal.append(
                    db, type: Follows.unfollowType, payload: ["viewer_id": viewer, "streamer_id": room.streamerID, "room_id": room.id], at: now)
            }
            return try Self.state(db, viewer: viewer, streamer: room.streamerID)
        }
    }

    public func state(viewer: String, streamer: String) async throws -> Follows.State {
        try await store.read { db in try Self.state(db, viewer: viewer, streamer: streamer) }
    }

    static func state(_ db: Database, viewer: String, streamer: String) throws -> Follows.State {
        let since = try Int64.fetchOne(
            db, sql: "SELECT followed_at FROM follows WHERE viewer_id = ? AND streamer_id = ? AND active = 1", arguments: [viewer, streamer])
        let followers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follows WHERE streamer_id = ? AND active = 1", arguments: [streamer]) ?? 0
        return Follows.State(streamerID: streamer, following: since != nil, since: since, followers: followers)
    }

    /// Whether `viewer` follows `streamer` now, inside another transaction (`ctx.follows`).
    static func isFollowing(_ db: Database, viewer: String, streamer: String) throws -> Bool {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM follows WHERE viewer_id = ? AND streamer_id = ? AND active = 1"),
            arguments: [viewer, streamer]) != nil
    }
}
