@testable import Books
import EngineTesting
@testable import Storage
import Testing
@testable import Engine

/// What every `GoodsStore` backend must do (see the protocols' doc comments).
@Suite("GoodsStore conformance")
struct GoodsStoreConformanceTests {
    static let backends: [StoreBackend<any GoodsStore>] = [.sqlite { SQLiteGoodsStore($0) }]

    static func edit(_ title: String, forViewer: String? = nil, until: Int64? = nil) -> GoodsEdit {
        GoodsEdit(title: title, game: "chess", region: "eu", priceTickets: 30, details: "one game", stock: 3, forViewer: forViewer, offerExpiresAt: until)
    }

    struct Aborted: Error {}

    @Test(arguments: backends)
    func goodsKeepTheirEditReviewAndVersion(_ backend: StoreBackend<any GoodsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let first = try await store.write { tx in
                try tx.insert(streamerID: "s1", Self.edit("A"), state: .inReview, score: 7, matched: ["x", "y"], at: 100)
            }
            #expect(first.streamerID == "s1" && first.goods == Self.edit("A") && first.state == .inReview)
            #expect(first.score == 7 && first.matched == ["x", "y"] && first.reason == nil)
            #expect(first.version == 1 && first.createdAt == 100 && first.updatedAt == 100)
            #expect(try await store.read { tx in try tx.goods(id: first.id) } == first)
            #expect(try await store.read { tx in try tx.goods(id: first.id + 1) } == nil)

            let rejected = try await store.write { tx in
                try tx.changeState(id: first.id, to: .rejected, reason: "op: no", score: nil, at: 200)
            }
            #expect(rejected.state == .rejected && rejected.reason == "op: no" && rejected.version == 2 && rejected.updatedAt == 200)
            #expect(rejected.score == 7 && rejected.matched == ["x", "y"], "the score is kept without one")
            // A replacement clears the reason.
            let replaced = try await store.write { tx in
                try tx.replace(id: first.id, Self.edit("B"), state: .listed, score: 1, matched: ["z"], at: 300)
            }
            #expect(replaced.goods.title == "B" && replaced.state == .listed && replaced.reason == nil && replaced.version == 3)
            #expect(replaced.createdAt == 100 && replaced.updatedAt == 300)
            // A rescore changes the score alone.
            try await store.write { tx in try tx.rescore(id: first.id, score: 4, matched: []) }
            let rescored = try #require(try await store.read { tx in try tx.goods(id: first.id) })
            #expect(rescored.score == 4 && rescored.matched.isEmpty && rescored.version == 3 && rescored.updatedAt == 300)
            let delisted = try await store.write { tx in
                try tx.changeState(id: first.id, to: .delisted, reason: "bad", score: (90, ["w"]), at: 400)
            }
            #expect(delisted.state == .delisted && delisted.score == 90 && delisted.matched == ["w"] && delisted.version == 4)
        }
    }

    @Test(arguments: backends)
    func queriesListTheirGoodsInTheirOrder(_ backend: StoreBackend<any GoodsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let ids = try await store.write { tx in
                [
                    try tx.insert(streamerID: "s1", Self.edit("listed-1"), state: .listed, score: 0, matched: [], at: 1).id,
                    try tx.insert(streamerID: "s1", Self.edit("review"), state: .inReview, score: 5, matched: ["m"], at: 2).id,
                    try tx.insert(streamerID: "s1", Self.edit("offer", forViewer: "v1", until: 1_000), state: .listed, score: 0, matched: [], at: 3).id,
                    try tx.insert(streamerID: "s1", Self.edit("listed-2"), state: .listed, score: 0, matched: [], at: 4).id,
                    try tx.insert(streamerID: "s2", Self.edit("other"), state: .listed, score: 0, matched: [], at: 5).id,
                    try tx.insert(streamerID: "s1", Self.edit("draft"), state: .draft, score: 0, matched: [], at: 6).id,
                    try tx.insert(streamerID: "s2", Self.edit("review-2"), state: .inReview, score: 5, matched: [], at: 7).id,
                ]
            }
            #expect(ids == ids.sorted() && Set(ids).count == ids.count)
            func titles(_ q: GoodsQuery) async throws -> [String] { try await store.read { tx in try tx.goods(q) }.map(\.goods.title) }
            #expect(try await titles(.listedPublic(streamerID: "s1")) == ["listed-2", "listed-1"])
            #expect(try await titles(.offers(viewerID: "v1", activeAt: 999)) == ["offer"])
            #expect(try await titles(.offers(viewerID: "v1", activeAt: 1_000)) == [], "an offer ends at its time")
            #expect(try await titles(.offers(viewerID: "v2", activeAt: 0)) == [])
            #expect(try await titles(.ofStreamer(streamerID: "s1")) == ["draft", "listed-2", "offer", "review", "listed-1"])
            #expect(try await titles(.inReview(limit: 10)) == ["review", "review-2"])
            #expect(try await titles(.inReview(limit: 1)) == ["review"])
            #expect(try await titles(.listed) == ["listed-1", "offer", "listed-2", "other"])
            #expect(try await store.read { tx in try tx.openCount(streamerID: "s1") } == 5)
            _ = try await store.write { tx in try tx.changeState(id: ids[0], to: .delisted, reason: nil, score: nil, at: 9) }
            #expect(try await store.read { tx in try tx.openCount(streamerID: "s1") } == 4, "delisted goods do not count")
        }
    }

    @Test(arguments: backends)
    func theReviewIsReplacedWholeAndAThrowRollsEverythingBack(_ backend: StoreBackend<any GoodsStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            #expect(try await store.read { tx in try tx.reviewSettings() } == nil)
            let first = GoodsReviewSettings(words: [GoodsWord(word: "cheat", weight: 60), GoodsWord(word: "boost", weight: 20)], rejectThreshold: 50, reviewThreshold: 10)
            try await store.write { tx in try tx.saveReviewSettings(first, by: "op", at: 1) }
            #expect(try await store.read { tx in try tx.reviewSettings() } == first)
            let second = GoodsReviewSettings(words: [], rejectThreshold: 90, reviewThreshold: 80)
            try await store.write { tx in try tx.saveReviewSettings(second, by: "op", at: 2) }
            #expect(try await store.read { tx in try tx.reviewSettings() } == second)

            await #expect(throws: Aborted.self) {
                try await store.write { tx in
                    try tx.saveReviewSettings(first, by: "op", at: 3)
                    _ = try tx.insert(streamerID: "s1", Self.edit("A"), state: .listed, score: 0, matched: [], at: 3)
                    try tx.journal(type: EffectApplier.noticeType, payload: ["user_id": "s1", "text": "t", "origin": GoodsCatalog.patrolOrigin], at: 3)
                    throw Aborted()
                }
            }
            #expect(try await store.read { tx in try tx.reviewSettings() } == second)
            #expect(try await store.read { tx in try tx.goods(.ofStreamer(streamerID: "s1")) }.isEmpty)
            #expect(try await facts(EffectApplier.noticeType).isEmpty)
            await #expect(throws: (any Error).self) {
                try await store.read { tx in _ = try tx.insert(streamerID: "s1", Self.edit("A"), state: .listed, score: 0, matched: [], at: 3) }
            }
        }
    }
}
