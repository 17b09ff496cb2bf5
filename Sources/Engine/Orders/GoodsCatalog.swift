import Books
import EngineCore
import Foundation
import Rooms
import Synchronization

/// Streamers' goods for "help me play", reviewed against an operator's weighted word list.
///
/// On create and edit the good's text (title, game, region, details) is scored: the sum of the
/// weights of the distinct terms it contains (the moderation keyword automaton: normalised,
/// case-folded). At or above the reject threshold it is refused (422 `goods_rejected` naming the
/// terms, nothing stored); at or above the review threshold it waits for an operator
/// (`in_review`); below, it is listed. When the word list changes every listed good is scored
/// again (patrol): the ones now at or above the reject threshold are delisted and their
/// streamer gets a notification.
public final class GoodsCatalog: Sendable {
    /// Journal origin of patrol notifications.
    public static let patrolOrigin = "goods-patrol"
    /// Most goods one streamer may have that are not delisted.
    public static let perStreamerMax = 200

    let store: any GoodsStore
    let clock: any WallClock
    let review = Mutex<(settings: GoodsReviewSettings, automaton: KeywordAutomaton)?>(nil)

    /// - Parameters: store: where goods and the review are kept.
    public init(store: any GoodsStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    // MARK: Review

    /// The current word list and thresholds.
    public func settings() async throws -> GoodsReviewSettings {
        try await store.read { tx in try self.current(tx).settings }
    }

    func current(_ tx: any GoodsTransaction) throws -> (settings: GoodsReviewSettings, automaton: KeywordAutomaton) {
        if let r = review.withLock({ $0 }) { return r }
        let settings = try tx.reviewSettings() ?? GoodsReviewSettings.initial
        let loaded = (settings, Self.automaton(settings.words))
        review.withLock { $0 = loaded }
        return loaded
    }

    static func automaton(_ words: [GoodsWord]) -> KeywordAutomaton {
        KeywordAutomaton(rules: words.map { KeywordRule(word: $0.word, category: "goods", action: .score, score: Int($0.weight)) })
    }

    /// The score of `text` and the distinct terms that made it, sorted.
    static func score(_ text: String, _ r: (settings: GoodsReviewSettings, automaton: KeywordAutomaton)) -> (Int64, [String]) {
        var seen = Set<Int>()
        var score: Int64 = 0
        for m in r.automaton.matches(in: text) where seen.insert(m.rule).inserted {
            score += r.settings.words[m.rule].weight
        }
        return (score, seen.map { r.settings.words[$0].word }.sorted())
    }

    /// Replaces the word list and thresholds, then patrols every listed good.
    /// - Throws: `RequestError` 400 `invalid_words`, `invalid_thresholds`.
    public func setReview(_ s: GoodsReviewSettings, by operatorID: String) async throws -> GoodsPatrol {
        guard s.words.count <= GoodsReviewSettings.wordsMax else {
            throw RequestError("invalid_words", .badRequest, "words: at most \(GoodsReviewSettings.wordsMax)")
        }
        guard s.words.allSatisfy({ (1...GoodsReviewSettings.weightMax).contains($0.weight) }) else {
            throw RequestError("invalid_words", .badRequest, "words: each weight 1...\(GoodsReviewSettings.weightMax)")
        }
        guard Set(s.words.map { $0.word.lowercased() }).count == s.words.count else {
            throw RequestError("invalid_words", .badRequest, "words: each term once")
        }
        do {
            try KeywordRule.check(s.words.map { KeywordRule(word: $0.word, category: "goods", action: .score, score: Int($0.weight)) })
        } catch {
            throw RequestError("invalid_words", .badRequest, "words: \(error.message)")
        }
        guard (1...GoodsReviewSettings.thresholdMax).contains(s.reviewThreshold), (1...GoodsReviewSettings.thresholdMax).contains(s.rejectThreshold),
            s.reviewThreshold < s.rejectThreshold
        else {
            throw RequestError("invalid_thresholds", .badRequest, "thresholds: 1...\(GoodsReviewSettings.thresholdMax), review below reject")
        }
        let now = clock.nowMillis()
        let r = (settings: s, automaton: Self.automaton(s.words))
        let patrol = try await store.write { tx in
            try tx.saveReviewSettings(s, by: operatorID, at: now)
            var rescored = 0
            var delisted: [Int64] = []
            for g in try tx.goods(.listed) {
                rescored += 1
                let (score, matched) = Self.score(g.goods.reviewed, r)
                guard score >= s.rejectThreshold else {
                    try tx.rescore(id: g.id, score: score, matched: matched)
                    continue
                }
                let reason = "delisted by review: " + matched.joined(separator: ", ")
                _ = try tx.changeState(id: g.id, to: .delisted, reason: reason, score: (score, matched), at: now)
                try tx.journal(
                    type: EffectApplier.noticeType,
                    payload: ["user_id": g.streamerID, "text": "Your goods '\(g.goods.title)' were delisted (\(reason))", "origin": Self.patrolOrigin],
                    at: now)
                delisted.append(g.id)
            }
            return GoodsPatrol(rescored: rescored, delisted: delisted)
        }
        review.withLock { $0 = r }
        return patrol
    }

    // MARK: Streamers

    /// Creates a good: listed, in review, or refused by the review; or, as a `draft`, kept
    /// unreviewed and unlisted until an edit without `draft` submits it.
    /// - Throws: `RequestError` 400 (fields), 409 `too_many_goods`, 422 `goods_rejected`.
    public func create(streamer: String, _ edit: GoodsEdit, draft: Bool = false) async throws -> Goods {
        let now = clock.nowMillis()
        try edit.validate(streamer: streamer, now: now)
        return try await store.write { tx in
            guard try tx.openCount(streamerID: streamer) < Self.perStreamerMax else {
                throw RequestError("too_many_goods", .conflict, "a streamer has at most \(Self.perStreamerMax) goods that are not delisted")
            }
            let (state, score, matched) = draft ? (.draft, 0, []) : try self.judge(tx, edit)
            return try tx.insert(streamerID: streamer, edit, state: state, score: score, matched: matched, at: now)
        }
    }

    /// Replaces a good of `streamer`'s and reviews it again (a delisted or rejected good comes
    /// back); with `draft`, keeps it (or takes it back) as an unreviewed, unlisted draft.
    /// - Throws: `RequestError` 404 `goods_not_found` (also another streamer's), 400, 422 `goods_rejected`.
    public func update(streamer: String, id: Int64, _ edit: GoodsEdit, draft: Bool = false) async throws -> Goods {
        let now = clock.nowMillis()
        try edit.validate(streamer: streamer, now: now)
        return try await store.write { tx in
            guard let g = try tx.goods(id: id), g.streamerID == streamer else { throw Self.notFound(id) }
            let (state, score, matched) = draft ? (.draft, 0, []) : try self.judge(tx, edit)
            return try tx.replace(id: g.id, edit, state: state, score: score, matched: matched, at: now)
        }
    }

    /// Takes a good of `streamer`'s off the list.
    /// - Throws: `RequestError` 404 `goods_not_found`.
    public func delist(streamer: String, id: Int64) async throws -> Goods {
        let now = clock.nowMillis()
        return try await store.write { tx in
            guard let g = try tx.goods(id: id), g.streamerID == streamer else { throw Self.notFound(id) }
            guard g.state != .delisted else { return g }
            return try tx.changeState(id: g.id, to: .delisted, reason: "delisted by the streamer", score: nil, at: now)
        }
    }

    /// The state the review gives `edit`, or the refusal.
    func judge(_ tx: any GoodsTransaction, _ edit: GoodsEdit) throws -> (Goods.State, Int64, [String]) {
        let r = try current(tx)
        let (score, matched) = Self.score(edit.reviewed, r)
        if score >= r.settings.rejectThreshold {
            throw RequestError("goods_rejected", .unprocessable, "refused by review (score \(score)): " + matched.joined(separator: ", "))
        }
        return (score >= r.settings.reviewThreshold ? .inReview : .listed, score, matched)
    }

    // MARK: Reads

    /// `streamer`'s listed public goods, newest first.
    public func listed(streamer: String) async throws -> [Goods] {
        try await store.read { tx in try tx.goods(.listedPublic(streamerID: streamer)) }
    }

    /// Private offers made to `viewer` that are listed and not yet ended.
    public func offers(viewer: String) async throws -> [Goods] {
        let now = clock.nowMillis()
        return try await store.read { tx in try tx.goods(.offers(viewerID: viewer, activeAt: now)) }
    }

    /// `streamer`'s goods in every state, newest first (their own tool).
    public func mine(streamer: String) async throws -> [Goods] {
        try await store.read { tx in try tx.goods(.ofStreamer(streamerID: streamer)) }
    }

    /// Goods waiting for an operator, oldest first.
    public func pendingReview(limit: Int) async throws -> [Goods] {
        guard (1...200).contains(limit) else { throw RequestError("invalid_query", .badRequest, "limit must be 1...200") }
        return try await store.read { tx in try tx.goods(.inReview(limit: limit)) }
    }

    /// An operator approves (lists) or rejects a good waiting for review.
    /// - Throws: `RequestError` 404 `goods_not_found`, 409 `not_in_review`, 400 `invalid_reason`.
    public func decide(id: Int64, approve: Bool, reason: String, by operatorID: String) async throws -> Goods {
        guard (1...200).contains(reason.utf8.count), reason.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw RequestError("invalid_reason", .badRequest, "reason: 1-200 bytes without control characters")
        }
        let now = clock.nowMillis()
        return try await store.write { tx in
            guard let g = try tx.goods(id: id) else { throw Self.notFound(id) }
            guard g.state == .inReview else { throw RequestError("not_in_review", .conflict, "goods \(id) is \(g.state.rawValue), not in review") }
            return try tx.changeState(id: id, to: approve ? .listed : .rejected, reason: "\(operatorID): \(reason)", score: nil, at: now)
        }
    }

    // MARK: Errors

    static func notFound(_ id: Int64) -> RequestError { RequestError("goods_not_found", .notFound, "no goods \(id) of yours") }
}
