
/// The limits of the danmaku pipeline, each named and configurable.
///
/// Overflow policy for very busy rooms: once a room's bucket (`roomPerSecond`, burst
/// `roomBurst`) is empty, further danmaku are **dropped** (not queued, not sampled): the sender
/// gets `room_busy`, and `showrunner.danmaku.dropped` counts them with `reason=room_busy`.
public struct DanmakuLimits: Sendable {
    /// Longest text, in characters (grapheme clusters).
    public var textLengthMax = 100
    /// Per-user burst.
    public var userBurst = 5
    /// Per-user sustained rate, messages per second.
    public var userPerSecond = 1
    /// Per-room burst.
    public var roomBurst = 400
    /// Per-room sustained rate, messages per second.
    public var roomPerSecond = 200
    /// Total `score` at or above which a message is held for review instead of broadcast.
    public var reviewScoreThreshold = 10
    /// Longest mute, in seconds (30 days).
    public var muteSecondsMax = 30 * 24 * 3600
    /// Most rate buckets remembered before full (idle) ones are forgotten.
    public var bucketsMax = 100_000

    /// The defaults: 100 characters; 5 burst then 1/s per user; 400 burst then 200/s per room.
    public init() {}
}

/// Why a danmaku was refused. The raw value is the `reason` code in the sender's `error` frame.
public enum DanmakuRejection: String, Error, Sendable, Equatable, CaseIterable {
    /// Anonymous viewers may watch but not send.
    case notAllowed = "not_allowed"
    /// Empty or blank text.
    case empty
    /// Longer than `textLengthMax`.
    case tooLong = "too_long"
    /// Control characters, or a bad `mode`/`color`.
    case invalid
    /// The sender is muted in this room.
    case muted
    /// The sender's own rate limit.
    case rateLimited = "rate_limited"
    /// The room's cap; dropped under the overflow policy.
    case roomBusy = "room_busy"
    /// A `block` word matched.
    case blockedWord = "blocked_word"
    /// Scored at or over the review threshold: journaled for review, not broadcast.
    case heldForReview = "held_for_review"
    /// The journal could not be written; nothing was broadcast.
    case unavailable
    /// A moderation rule (`Scripts/moderation/*.lua`) blocked it.
    case refusedByRule = "refused_by_rule"
}
