/// Where moderation keeps what must outlive a restart: the operators' word list and the rooms'
/// mutes. The filter and the mutes read from memory on the danmaku path; they read the store
/// when loaded and write through it when changed.
///
/// For implementers: each method is one transaction, all or nothing. `replaceWordRules` swaps
/// the whole list (the order is the list's: `wordRules` answers it in the order last stored).
/// `saveMute` stores the mute, replacing an earlier one of the same room and user, and journals
/// its `danmaku_mute` fact (`Mutes.journalType`: `room`, `user_id`, `until_ms`, `by`) in the
/// same transaction. `mutes(activeAt:)` answers the mutes whose `untilMillis` is after `now`.
/// Every backend runs `ModerationStoreConformanceTests`.
public protocol ModerationStore: Sendable {
    /// The stored word list, in order.
    func wordRules() async throws -> [KeywordRule]
    /// Replaces the stored word list with `rules` (already checked).
    func replaceWordRules(_ rules: [KeywordRule]) async throws
    /// The mutes still running at `now` (epoch milliseconds).
    func mutes(activeAt now: Int64) async throws -> [RoomMute]
    /// Stores `mute` and journals it, at `now`.
    func saveMute(_ mute: RoomMute, at now: Int64) async throws
}

/// One user muted in one room until a time.
public struct RoomMute: Sendable, Equatable {
    public let room: String
    public let userID: String
    /// Epoch milliseconds the mute ends (exclusive).
    public let untilMillis: Int64
    /// Who muted.
    public let by: String

    public init(room: String, userID: String, untilMillis: Int64, by: String) {
        self.room = room
        self.userID = userID
        self.untilMillis = untilMillis
        self.by = by
    }
}
