import EngineCore

extension DanmakuService {
    /// Most danmaku returned by one `log` read.
    public static let logLimitMax = 500

    /// Accepted danmaku of `room` with a journal offset greater than `since`, oldest first.
    /// - Parameters: room; since: a journal offset (0 from the start); limit: 1...`logLimitMax`.
    /// - Throws: `RoomError.invalidLimit`; the store's errors.
    public func log(room: String, since: Int64, limit: Int) async throws -> [Danmaku] {
        guard (1...Self.logLimitMax).contains(limit) else { throw RoomError.invalidLimit(limit, max: Self.logLimitMax) }
        return try await store.danmakuLog(room: room, since: since, limit: limit)
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
