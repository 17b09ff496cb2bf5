
/// Where moderation keeps what must outlive a restart: the operators' word list, the rooms'
/// mutes, and the danmaku themselves (journal facts: `danmaku`, `danmaku_review` for a message
/// held for review, `danmaku_review_decision`). The filter and the mutes read from memory on
/// the danmaku path; they read the store when loaded and write through it when changed.
///
/// For implementers: each method is one transaction, all or nothing. `appendDanmaku` journals
/// the message (its `id` is ignored) as `danmaku`, or `danmaku_review` when `held`, and answers
/// its offset, the message's id. `danmakuLog` answers a room's `danmaku` facts after `since`,
/// oldest first, at most `limit`, each with its offset as id. `heldDanmaku` answers the
/// `danmaku_review` facts after `since` without a decision, oldest first, at most `limit`.
/// `decideHeld` decides one held message once: `.notFound` when `heldID` is no
/// `danmaku_review` fact, `.alreadyDecided` when a decision exists (nothing changes for
/// either); otherwise, for an approval, journals the message again as a `danmaku` marked
/// `reviewed`, then journals the decision (`DanmakuReviewDecision`, with the delivered offset)
/// under a key unique to `heldID`, and answers both. `replaceWordRules` swaps
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
    /// Journals an accepted (or, with `held`, a held) danmaku at `now`; answers its offset.
    func appendDanmaku(_ danmaku: Danmaku, held: Bool, at now: Int64) async throws -> Int64
    /// A room's danmaku after offset `since`, oldest first.
    func danmakuLog(room: String, since: Int64, limit: Int) async throws -> [Danmaku]
    /// Held danmaku nobody has decided on, after held id `since`, oldest first.
    func heldDanmaku(since: Int64, limit: Int) async throws -> [HeldDanmaku]
    /// Decides held danmaku `heldID` once, at `now`.
    func decideHeld(_ heldID: Int64, approve: Bool, by decider: String, reason: String, at now: Int64) async throws
        -> HeldDecisionOutcome
}

/// What `ModerationStore.decideHeld` did.
public enum HeldDecisionOutcome: Sendable, Equatable {
    /// Decided: the decision, and for an approval the message as delivered (with its new id).
    case decided(DanmakuReviewDecision, delivered: Danmaku?)
    case notFound
    case alreadyDecided
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
