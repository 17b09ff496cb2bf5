import GRDB
import Synchronization

/// Room mutes with expiry, stored in `room_mutes` and mirrored in memory so the danmaku path
/// never reads the database. Each mute is also journaled (`danmaku_mute`).
public final class Mutes: Sendable {
    /// Journal type of a mute.
    public static let journalType = "danmaku_mute"

    private let cache = Mutex<[String: Int64]>([:])
    let store: Store

    /// Loads the unexpired mutes.
    /// - Throws: database errors.
    public init(store: Store, now: Int64) async throws {
        self.store = store
        let mutes = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT room_id, user_id, until_ms FROM room_mutes WHERE until_ms > ?", arguments: [now])
                .map { row -> (String, Int64) in (Self.key(row["room_id"], row["user_id"]), row["until_ms"]) }
        }
        cache.withLock { cache in
            for (key, until) in mutes { cache[key] = until }
        }
    }

    /// Mutes `userID` in `room` until `untilMillis` (replacing any earlier mute).
    /// - Throws: database errors.
    public func mute(room: String, userID: String, untilMillis: Int64, by moderator: String, now: Int64) async throws {
        struct Fact: Encodable {
            let room: String, user_id: String, until_ms: Int64, by: String
        }
        try await store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO room_mutes (room_id, user_id, until_ms, muted_by, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(room_id, user_id) DO UPDATE SET until_ms = excluded.until_ms,
                        muted_by = excluded.muted_by, created_at = excluded.created_at
                    """,
                arguments: [room, userID, untilMillis, moderator, now])
            _ = try Journal.append(
                db, type: Self.journalType,
                payload: Fact(room: room, user_id: userID, until_ms: untilMillis, by: moderator), at: now)
        }
        cache.withLock { $0[Self.key(room, userID)] = untilMillis }
    }

    /// Whether `userID` is muted in `room` at `now`.
    public func isMuted(room: String, userID: String, now: Int64) -> Bool {
        cache.withLock { cache in
            let key = Self.key(room, userID)
            guard let until = cache[key] else { return false }
            if until > now { return true }
            cache[key] = nil
            return false
        }
    }

    private static func key(_ room: String, _ user: String) -> String { room + "\u{0}" + user }
}
