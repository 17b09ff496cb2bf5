import Books
import Engine
import GRDB
import Rooms

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

    public func appendDanmaku(_ danmaku: Danmaku, held: Bool, at now: Int64) async throws -> Int64 {
        try await store.write { db in
            try Journal.append(db, type: held ? DanmakuService.reviewJournalType : DanmakuService.journalType, payload: danmaku, at: now).offset
        }
    }

    public func danmakuLog(room: String, since: Int64, limit: Int) async throws -> [Danmaku] {
        let entries = try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM journal WHERE type = 'danmaku' AND json_extract(payload, '$.room') = ?
                    AND offset > ? ORDER BY offset LIMIT ?
                    """,
                arguments: [room, since, limit]
            ).map(JournalEntry.init(row:))
        }
        return try entries.map { entry in
            var danmaku = try entry.decodePayload(as: Danmaku.self)
            danmaku.id = entry.offset
            return danmaku
        }
    }

    public func heldDanmaku(since: Int64, limit: Int) async throws -> [HeldDanmaku] {
        let entries = try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM journal AS held WHERE held.type = ? AND held.offset > ?
                    AND NOT EXISTS (SELECT 1 FROM journal AS d WHERE d.idempotency_key = ? || held.offset)
                    ORDER BY held.offset LIMIT ?
                    """,
                arguments: [DanmakuService.reviewJournalType, since, Self.decisionKeyPrefix, limit]
            ).map(JournalEntry.init(row:))
        }
        return try entries.map { entry in
            let d = try entry.decodePayload(as: Danmaku.self)
            return HeldDanmaku(id: entry.offset, room: d.room, userID: d.userID, text: d.text, score: d.score, at: d.at)
        }
    }

    public func decideHeld(_ heldID: Int64, approve: Bool, by decider: String, reason: String, at now: Int64) async throws
        -> HeldDecisionOutcome
    {
        try await store.write { db in
            guard let entry = try Journal.entry(db, at: heldID), entry.type == DanmakuService.reviewJournalType else {
                return .notFound
            }
            let key = Self.decisionKeyPrefix + String(heldID)
            if try Row.fetchOne(db, sql: "SELECT 1 FROM journal WHERE idempotency_key = ?", arguments: [key]) != nil {
                return .alreadyDecided
            }
            var message = try entry.decodePayload(as: Danmaku.self)
            var delivered: Danmaku?
            if approve {
                message.reviewed = true
                let pending = message
                message.id = try Journal.append(db, type: DanmakuService.journalType, payload: pending, at: now).offset
                delivered = message
            }
            let decision = DanmakuReviewDecision(
                heldID: heldID, room: message.room, userID: message.userID, approved: approve, decidedBy: decider,
                reason: reason, decidedAt: now, deliveredID: delivered?.id)
            _ = try Journal.append(db, type: DanmakuService.reviewDecisionJournalType, payload: decision, idempotencyKey: key, at: now)
            return .decided(decision, delivered: delivered)
        }
    }

    /// A decision's journal key is this and the held id: one decision per held message.
    static let decisionKeyPrefix = "danmaku-review:"
}
