import EngineCore
import Foundation

/// A danmaku held for review (journaled as `danmaku_review`) that nobody has decided on yet.
public struct HeldDanmaku: Sendable, Codable, Equatable {
    /// Journal offset of the `danmaku_review` entry: the held message's id.
    public var id: Int64
    /// The room.
    public var room: String
    /// The sender.
    public var userID: String
    /// The text as it would have been broadcast (after masking).
    public var text: String
    /// The filter's review score, at or above the review threshold.
    public var score: Int
    /// When it was sent, milliseconds since the Unix epoch.
    public var at: Int64

    /// Memberwise. - Parameters: see the properties.
    package init(id: Int64, room: String, userID: String, text: String, score: Int, at: Int64) {
        self.id = id
        self.room = room
        self.userID = userID
        self.text = text
        self.score = score
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case id, room, text, score, at
        case userID = "user_id"
    }
}

/// An operator's decision on a held danmaku, journaled as `danmaku_review_decision`.
public struct DanmakuReviewDecision: Sendable, Codable, Equatable {
    /// The held message (its `danmaku_review` offset).
    public var heldID: Int64
    /// The room.
    public var room: String
    /// The sender.
    public var userID: String
    /// True: delivered to the room (late, marked `reviewed`); false: kept out.
    public var approved: Bool
    /// Who decided.
    public var decidedBy: String
    /// Why.
    public var reason: String
    /// When, milliseconds since the Unix epoch.
    public var decidedAt: Int64
    /// For an approval, the journal offset of the delivered `danmaku`.
    public var deliveredID: Int64?

    /// Memberwise. - Parameters: see the properties.
    package init(
        heldID: Int64, room: String, userID: String, approved: Bool, decidedBy: String, reason: String, decidedAt: Int64,
        deliveredID: Int64? = nil
    ) {
        self.heldID = heldID
        self.room = room
        self.userID = userID
        self.approved = approved
        self.decidedBy = decidedBy
        self.reason = reason
        self.decidedAt = decidedAt
        self.deliveredID = deliveredID
    }

    enum CodingKeys: String, CodingKey {
        case room, approved, reason
        case heldID = "held_id"
        case userID = "user_id"
        case decidedBy = "decided_by"
        case decidedAt = "decided_at"
        case deliveredID = "delivered_id"
    }
}

/// Failures of the review queue.
public enum DanmakuReviewError: ShowrunnerError, Equatable {
    /// No held danmaku has this id.
    case notFound(Int64)
    /// Someone already decided on it.
    case alreadyDecided(Int64)
    /// A reason that is blank or too long.
    case invalidReason(max: Int)
    /// A list size outside the allowed range.
    case invalidLimit(Int, max: Int)

    /// Stable machine code.
    public var code: String {
        switch self {
        case .notFound: "held_danmaku_not_found"
        case .alreadyDecided: "already_decided"
        case .invalidReason: "invalid_reason"
        case .invalidLimit: "invalid_limit"
        }
    }

    /// The category the host maps to a status.
    public var kind: ErrorKind {
        switch self {
        case .notFound: .notFound
        case .alreadyDecided: .conflict
        case .invalidReason, .invalidLimit: .badRequest
        }
    }

    /// A sentence for people.
    public var message: String {
        switch self {
        case .notFound(let id): "no danmaku held for review has id \(id)"
        case .alreadyDecided(let id): "held danmaku \(id) was already decided"
        case .invalidReason(let max): "a reason is 1-\(max) characters, not blank"
        case .invalidLimit(let limit, let max): "limit must be 1...\(max), got \(limit)"
        }
    }
}

extension DanmakuService {
    /// Journal type of a decision on a held danmaku.
    public static let reviewDecisionJournalType = "danmaku_review_decision"
    /// Most held danmaku one `held` read returns.
    public static let heldLimitMax = 500
    /// Longest reason of a decision, in characters.
    public static let reviewReasonMax = 200

    /// Held danmaku nobody has decided on, oldest first, after `since` (a held id; 0 from the start).
    /// - Throws: `DanmakuReviewError.invalidLimit`; the store's errors.
    public func held(since: Int64 = 0, limit: Int) async throws -> [HeldDanmaku] {
        guard (1...Self.heldLimitMax).contains(limit) else { throw DanmakuReviewError.invalidLimit(limit, max: Self.heldLimitMax) }
        return try await store.heldDanmaku(since: since, limit: limit)
    }

    /// Decides on held danmaku `heldID`: the decision is journaled with who and why; an approval
    /// also journals the message as an ordinary `danmaku` (marked `reviewed`), in the same
    /// transaction, and then publishes it to its room. Each held message is decided once.
    /// - Returns: the decision.
    /// - Throws: `DanmakuReviewError` (unknown id, already decided, bad reason); the store's errors.
    public func decide(heldID: Int64, approve: Bool, by operatorID: String, reason: String) async throws -> DanmakuReviewDecision {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.contractLength <= Self.reviewReasonMax,
            !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw DanmakuReviewError.invalidReason(max: Self.reviewReasonMax) }
        switch try await store.decideHeld(heldID, approve: approve, by: operatorID, reason: reason, at: clock.nowMillis()) {
        case .notFound:
            throw DanmakuReviewError.notFound(heldID)
        case .alreadyDecided:
            throw DanmakuReviewError.alreadyDecided(heldID)
        case .decided(let decision, let delivered):
            if let delivered, let event = try? RoomEvent(.danmaku, payload: delivered) {
                bus.publish(room: delivered.room, event: event)
            }
            return decision
        }
    }
}
