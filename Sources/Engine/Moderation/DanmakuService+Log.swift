import GRDB

extension DanmakuService {
    /// Most danmaku returned by one `log` read.
    public static let logLimitMax = 500

    /// Accepted danmaku of `room` with a journal offset greater than `since`, oldest first.
    /// - Parameters: room; since: a journal offset (0 from the start); limit: 1...`logLimitMax`.
    /// - Throws: `RoomError.invalidLimit`; database errors.
    public func log(room: String, since: Int64, limit: Int) async throws -> [Danmaku] {
        guard (1...Self.logLimitMax).contains(limit) else { throw RoomError.invalidLimit(limit, max: Self.logLimitMax) }
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

    /// Mutes `userID` in `room` for `seconds`.
    /// - Throws: `ModerationError` for a bad user or duration; database errors.
    public func mute(room: String, userID: String, seconds: Int, by moderator: String) async throws {
        guard Principal.isValidUserID(userID) else { throw ModerationError.invalidUser(userID) }
        guard (1...limits.muteSecondsMax).contains(seconds) else {
            throw ModerationError.invalidMuteDuration(seconds: seconds, max: limits.muteSecondsMax)
        }
        let now = clock.nowMillis()
        try await mutes.mute(room: room, userID: userID, untilMillis: now + Int64(seconds) * 1000, by: moderator, now: now)
    }
}
