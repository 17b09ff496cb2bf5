import Foundation
import GRDB
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

    let store: Store
    let clock: any WallClock
    let review = Mutex<(settings: GoodsReviewSettings, automaton: KeywordAutomaton)?>(nil)

    public init(store: Store, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    // MARK: Review

    /// The current word list and thresholds.
    public func settings() async throws -> GoodsReviewSettings {
        try await store.read { db in try self.current(db).settings }
    }

    func current(_ db: Database) throws -> (settings: GoodsReviewSettings, automaton: KeywordAutomaton) {
        if let r = review.withLock({ $0 }) { return r }
        var settings = GoodsReviewSettings.initial
        if let row = try Row.fetchOne(db, sql: "SELECT words, reject_threshold, review_threshold FROM goods_review WHERE id = 1") {
            settings = GoodsReviewSettings(
                words: try JSONDecoder().decode([GoodsWord].self, from: Data((row[0] as String).utf8)), rejectThreshold: row[1],
                reviewThreshold: row[2])
        }
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
        let json = String(decoding: try JSONEncoder.sorted.encode(s.words), as: UTF8.self)
        let patrol = try await store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO goods_review (id, words, reject_threshold, review_threshold, updated_by, updated_at) VALUES (1, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET words = excluded.words, reject_threshold = excluded.reject_threshold,
                        review_threshold = excluded.review_threshold, updated_by = excluded.updated_by, updated_at = excluded.updated_at
                    """, arguments: [json, s.rejectThreshold, s.reviewThreshold, operatorID, now])
            var rescored = 0
            var delisted: [Int64] = []
            for g in try Self.all(db, sql: "SELECT * FROM goods WHERE state = 'listed' ORDER BY id", []) {
                rescored += 1
                let (score, matched) = Self.score(g.goods.reviewed, r)
                guard score >= s.rejectThreshold else {
                    try db.execute(sql: "UPDATE goods SET score = ?, matched = ? WHERE id = ?", arguments: [score, Self.list(matched), g.id])
                    continue
                }
                let reason = "delisted by review: " + matched.joined(separator: ", ")
                try db.execute(
                    sql: "UPDATE goods SET state = 'delisted', score = ?, matched = ?, reason = ?, version = version + 1, updated_at = ? WHERE id = ?",
                    arguments: [score, Self.list(matched), reason, now, g.id])
                _ = try Journal.append(
                    db, type: EffectApplier.noticeType,
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
        return try await store.write { db in
            let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM goods WHERE streamer_id = ? AND state != 'delisted'", arguments: [streamer]) ?? 0
            guard open < Self.perStreamerMax else {
                throw RequestError("too_many_goods", .conflict, "a streamer has at most \(Self.perStreamerMax) goods that are not delisted")
            }
            let (state, score, matched) = draft ? (.draft, 0, []) : try self.judge(db, edit)
            try db.execute(
                sql: """
                    INSERT INTO goods (streamer_id, body, for_viewer, offer_expires_at, state, score, matched, version, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                    """,
                arguments: [streamer, try Self.body(edit), edit.forViewer, edit.offerExpiresAt, state.rawValue, score, Self.list(matched), now, now])
            return try Self.one(db, id: db.lastInsertedRowID)!
        }
    }

    /// Replaces a good of `streamer`'s and reviews it again (a delisted or rejected good comes
    /// back); with `draft`, keeps it (or takes it back) as an unreviewed, unlisted draft.
    /// - Throws: `RequestError` 404 `goods_not_found` (also another streamer's), 400, 422 `goods_rejected`.
    public func update(streamer: String, id: Int64, _ edit: GoodsEdit, draft: Bool = false) async throws -> Goods {
        let now = clock.nowMillis()
        try edit.validate(streamer: streamer, now: now)
        return try await store.write { db in
            guard let g = try Self.one(db, id: id), g.streamerID == streamer else { throw Self.notFound(id) }
            let (state, score, matched) = draft ? (.draft, 0, []) : try self.judge(db, edit)
            try db.execute(
                sql: """
                    UPDATE goods SET body = ?, for_viewer = ?, offer_expires_at = ?, state = ?, score = ?, matched = ?, reason = NULL,
                        version = version + 1, updated_at = ? WHERE id = ?
                    """,
                arguments: [try Self.body(edit), edit.forViewer, edit.offerExpiresAt, state.rawValue, score, Self.list(matched), now, g.id])
            return try Self.one(db, id: g.id)!
        }
    }

    /// Takes a good of `streamer`'s off the list.
    /// - Throws: `RequestError` 404 `goods_not_found`.
    public func delist(streamer: String, id: Int64) async throws -> Goods {
        let now = clock.nowMillis()
        return try await store.write { db in
            guard let g = try Self.one(db, id: id), g.streamerID == streamer else { throw Self.notFound(id) }
            guard g.state != .delisted else { return g }
            try db.execute(
                sql: "UPDATE goods SET state = 'delisted', reason = 'delisted by the streamer', version = version + 1, updated_at = ? WHERE id = ?",
                arguments: [now, g.id])
            return try Self.one(db, id: g.id)!
        }
    }

    /// The state the review gives `edit`, or the refusal.
    func judge(_ db: Database, _ edit: GoodsEdit) throws -> (Goods.State, Int64, [String]) {
        let r = try current(db)
        let (score, matched) = Self.score(edit.reviewed, r)
        if score >= r.settings.rejectThreshold {
            throw RequestError("goods_rejected", .unprocessable, "refused by review (score \(score)): " + matched.joined(separator: ", "))
        }
        return (score >= r.settings.reviewThreshold ? .inReview : .listed, score, matched)
    }

    // MARK: Reads

    /// `streamer`'s listed public goods, newest first.
    public func listed(streamer: String) async throws -> [Goods] {
        try await store.read { db in
            try Self.all(db, sql: "SELECT * FROM goods WHERE streamer_id = ? AND state = 'listed' AND for_viewer IS NULL ORDER BY id DESC", [streamer])
        }
    }

    /// Private offers made to `viewer` that are listed and not yet ended.
    public func offers(viewer: String) async throws -> [Goods] {
        let now = clock.nowMillis()
        return try await store.read { db in
            try Self.all(
                db, sql: "SELECT * FROM goods WHERE for_viewer = ? AND state = 'listed' AND offer_expires_at > ? ORDER BY id DESC", [viewer, now])
        }
    }

    /// `streamer`'s goods in every state, newest first (their own tool).
    public func mine(streamer: String) async throws -> [Goods] {
        try await store.read { db in try Self.all(db, sql: "SELECT * FROM goods WHERE streamer_id = ? ORDER BY id DESC", [streamer]) }
    }

    /// Goods waiting for an operator, oldest first.
    public func pendingReview(limit: Int) async throws -> [Goods] {
        guard (1...200).contains(limit) else { throw RequestError("invalid_query", .badRequest, "limit must be 1...200") }
        return try await store.read { db in try Self.all(db, sql: "SELECT * FROM goods WHERE state = 'in_review' ORDER BY id LIMIT ?", [limit]) }
    }

    /// An operator approves (lists) or rejects a good waiting for review.
    /// - Throws: `RequestError` 404 `goods_not_found`, 409 `not_in_review`, 400 `invalid_reason`.
    public func decide(id: Int64, approve: Bool, reason: String, by operatorID: String) async throws -> Goods {
        guard (1...200).contains(reason.utf8.count), reason.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw RequestError("invalid_reason", .badRequest, "reason: 1-200 bytes without control characters")
        }
        let now = clock.nowMillis()
        return try await store.write { db in
            guard let g = try Self.one(db, id: id) else { throw Self.notFound(id) }
            guard g.state == .inReview else { throw RequestError("not_in_review", .conflict, "goods \(id) is \(g.state.rawValue), not in review") }
            try db.execute(
                sql: "UPDATE goods SET state = ?, reason = ?, version = version + 1, updated_at = ? WHERE id = ?",
                arguments: [approve ? "listed" : "rejected", "\(operatorID): \(reason)", now, id])
            return try Self.one(db, id: id)!
        }
    }

    // MARK: Rows

    static func notFound(_ id: Int64) -> RequestError { RequestError("goods_not_found", .notFound, "no goods \(id) of yours") }

    static func body(_ edit: GoodsEdit) throws -> String { String(decoding: try JSONEncoder.sorted.encode(edit), as: UTF8.self) }
    static func list(_ terms: [String]) -> String { String(decoding: (try? JSONEncoder.sorted.encode(terms)) ?? Data("[]".utf8), as: UTF8.self) }

    static func one(_ db: Database, id: Int64) throws -> Goods? {
        try all(db, sql: "SELECT * FROM goods WHERE id = ?", [id]).first
    }

    static func all(_ db: Database, sql: String, _ arguments: [any DatabaseValueConvertible]) throws -> [Goods] {
        try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            Goods(
                id: row["id"], streamerID: row["streamer_id"],
                goods: try JSONDecoder().decode(GoodsEdit.self, from: Data((row["body"] as String).utf8)),
                state: Goods.State(rawValue: row["state"]) ?? .delisted, score: row["score"],
                matched: try JSONDecoder().decode([String].self, from: Data((row["matched"] as String).utf8)), reason: row["reason"],
                version: row["version"], createdAt: row["created_at"], updatedAt: row["updated_at"])
        }
    }
}
