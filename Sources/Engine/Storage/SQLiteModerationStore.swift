import GRDB

/// `ModerationStore` on the SQLite store: `moderation_words` and `room_mutes`.
public struct SQLiteModerationStore: ModerationStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func wordRules() async throws -> [KeywordRule] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT word, category, action, score FROM moderation_words ORDER BY id").compactMap { row in
                KeywordAction(rawValue: row["action"]).map {
                    KeywordRule(word: row["word"], category: row["category"], action: $0, score: row["score"])
                }
            }
        }
    }

    public func replaceWordRules(_ rules: [KeywordRule]) async throws {
        try await store.write { db in
            try db.execute(sql: "DELETE FROM moderation_words")
            for rule in rules {
                try db.execute(
                    sql: "INSERT INTO moderation_words (word, category, action, score) VALUES (?, ?, ?, ?)",
                    arguments: [rule.word, rule.category, rule.action.rawValue, rule.score])
            }
        }
    }

    public func mutes(activeAt now: Int64) async throws -> [RoomMute] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT room_id, user_id, until_ms, muted_by FROM room_mutes WHERE until_ms > ? ORDER BY room_id, user_id",
                arguments: [now]
            ).map { RoomMute(room: $0["room_id"], userID: $0["user_id"], untilMillis: $0["until_ms"], by: $0["muted_by"]) }
        }
    }

    public func saveMute(_ mute: RoomMute, at now: Int64) async throws {
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
                arguments: [mute.room, mute.userID, mute.untilMillis, mute.by, now])
            _ = try Journal.append(
                db, type: Mutes.journalType,
                payload: Fact(room: mute.room, user_id: mute.userID, until_ms: mute.untilMillis, by: mute.by), at: now)
        }
    }
}
