import EngineCore
import Foundation
import Logging
import Metrics

/// The danmaku pipeline: validate → mute → rate limits → keyword filter → journal (group
/// commit) → publish on the room bus. Each step refuses with a `DanmakuRejection`.
public final class DanmakuService: Sendable {
    /// Journal type of an accepted danmaku.
    public static let journalType = "danmaku"
    /// Journal type of a danmaku held for review.
    public static let reviewJournalType = "danmaku_review"
    /// Counter of refused danmaku, by `reason`.
    public static let droppedLabel = "showrunner.danmaku.dropped"
    /// Counter of accepted danmaku.
    public static let acceptedLabel = "showrunner.danmaku.accepted"

    /// The limits in force.
    public let limits: DanmakuLimits
    /// Where accepted danmaku are published.
    public let bus: RoomBus
    /// The word list.
    public let filter: KeywordFilter
    /// The mutes.
    public let mutes: Mutes
    let store: any ModerationStore
    let clock: any WallClock
    let rate: DanmakuRateLimiter
    let metrics: any MetricsFactory
    /// The script hook (`Scripts/moderation/*.lua`), if the host runs scripts.
    let rules: ModerationRules?
    /// What senders show next to their danmaku (badge, worn medal, guard, VIP), if known.
    let shows: (any EntryPrivilegeProvider)?

    /// - Parameters: store (journal); bus; filter; mutes; limits; clock; metrics factory; rules:
    ///   the moderation scripts.
    public init(
        store: any ModerationStore, bus: RoomBus, filter: KeywordFilter, mutes: Mutes, limits: DanmakuLimits = .init(),
        clock: any WallClock = SystemWallClock(), metrics: any MetricsFactory = MetricsSystem.factory,
        rules: ModerationRules? = nil, shows: (any EntryPrivilegeProvider)? = nil
    ) {
        self.rules = rules
        self.shows = shows
        self.store = store
        self.bus = bus
        self.filter = filter
        self.mutes = mutes
        self.limits = limits
        self.clock = clock
        self.rate = DanmakuRateLimiter(limits: limits)
        self.metrics = metrics
    }

    /// Runs `draft` from `userID` (nil: anonymous) through the pipeline into `room`.
    /// - Returns: the accepted danmaku, already journaled and published.
    /// - Throws: `DanmakuRejection` (also counted in `showrunner.danmaku.dropped`).
    public func send(_ draft: DanmakuDraft, room: String, userID: String?) async throws(DanmakuRejection) -> Danmaku {
        do {
            let danmaku = try await accept(draft, room: room, userID: userID)
            Counter(label: Self.acceptedLabel, factory: metrics).increment()
            return danmaku
        } catch {
            Counter(label: Self.droppedLabel, dimensions: [("reason", error.rawValue)], factory: metrics).increment()
            throw error
        }
    }

    private func accept(_ draft: DanmakuDraft, room: String, userID: String?) async throws(DanmakuRejection) -> Danmaku {
        guard let userID else { throw .notAllowed }
        try check(draft)
        let now = clock.nowMillis()
        if mutes.isMuted(room: room, userID: userID, now: now) { throw .muted }
        if let refused = rate.admit(user: userID, room: room, now: now) { throw refused }
        let verdict = filter.check(draft.text)
        if verdict.blockedCategory != nil { throw .blockedWord }
        let held = verdict.score >= limits.reviewScoreThreshold
        var danmaku = Danmaku(
            id: 0, room: room, userID: userID, text: verdict.text, mode: draft.mode,
            color: draft.color, score: verdict.score, at: now)
        if let rules {
            switch await rules.check(danmaku, limits: limits) {
            case .block: throw .refusedByRule
            case .pass(let text): danmaku.text = text
            }
        }
        if let shows {
            let shown = await shows.privileges(userID: userID, room: room)
            if !shown.isEmpty { danmaku.shows = shown }
        }
        do {
            let pending = danmaku
            danmaku.id = try await store.appendDanmaku(pending, held: held, at: now)
        } catch {
            throw .unavailable
        }
        if held { throw .heldForReview }
        guard let event = try? RoomEvent(.danmaku, payload: danmaku) else { throw .invalid }
        bus.publish(room: room, event: event)
        return danmaku
    }

    private func check(_ draft: DanmakuDraft) throws(DanmakuRejection) {
        guard draft.text.contains(where: { !$0.isWhitespace }) else { throw .empty }
        guard draft.text.contractLength <= limits.textLengthMax else { throw .tooLong }
        guard !draft.text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid
        }
        guard DanmakuDraft.isValidColor(draft.color) else { throw .invalid }
    }
}
