import EngineTesting
import Foundation
import GRDB
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

/// A backend of a store protocol under test: the store, and the journal's facts of one type as
/// the backend recorded them (the protocols journal some changes in the same transaction).
struct StoreBackend<Protocol: Sendable>: Sendable, CustomStringConvertible {
    let description: String
    let open: @Sendable (TemporaryDatabase) throws -> (store: Protocol, facts: @Sendable (String) async throws -> [String])

    /// The SQLite backend over a fresh store; facts are read from its journal.
    static func sqlite(_ make: @escaping @Sendable (Store) -> Protocol) -> StoreBackend {
        StoreBackend(description: "sqlite") { tmp in
            let store = try tmp.openStore(synchronous: .off)
            return (make(store), { type in
                try await store.read { db in
                    try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type = ? ORDER BY offset", arguments: [type])
                }
            })
        }
    }
}

/// What every `ModerationStore` backend must do (see the protocol's doc comment).
@Suite("ModerationStore conformance")
struct ModerationStoreConformanceTests {
    static let backends: [StoreBackend<any ModerationStore>] = [.sqlite { SQLiteModerationStore($0) }]

    @Test(arguments: backends)
    func wordListIsReplacedWholeAndKeepsItsOrder(_ backend: StoreBackend<any ModerationStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            #expect(try await store.wordRules().isEmpty)
            let first: [KeywordRule] = [
                .init(word: "zeta", category: "ads", action: .block),
                .init(word: "alpha", category: "mild", action: .mask),
                .init(word: "mid", category: "risk", action: .score, score: 7),
            ]
            try await store.replaceWordRules(first)
            #expect(try await store.wordRules() == first)
            let second: [KeywordRule] = [.init(word: "only", category: "c", action: .block)]
            try await store.replaceWordRules(second)
            #expect(try await store.wordRules() == second)
            try await store.replaceWordRules([])
            #expect(try await store.wordRules().isEmpty)
        }
    }

    @Test(arguments: backends)
    func mutesReplaceExpireAndAreJournaled(_ backend: StoreBackend<any ModerationStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            try await store.saveMute(RoomMute(room: "r1", userID: "u1", untilMillis: 5_000, by: "s1"), at: 1_000)
            try await store.saveMute(RoomMute(room: "r1", userID: "u2", untilMillis: 2_000, by: "s1"), at: 1_000)
            try await store.saveMute(RoomMute(room: "r2", userID: "u1", untilMillis: 3_000, by: "op"), at: 1_000)
            // A later mute of the same room and user replaces the earlier one, even a shorter one.
            try await store.saveMute(RoomMute(room: "r2", userID: "u1", untilMillis: 2_500, by: "op2"), at: 1_500)
            #expect(try await store.mutes(activeAt: 1_999) == [
                RoomMute(room: "r1", userID: "u1", untilMillis: 5_000, by: "s1"),
                RoomMute(room: "r1", userID: "u2", untilMillis: 2_000, by: "s1"),
                RoomMute(room: "r2", userID: "u1", untilMillis: 2_500, by: "op2"),
            ])
            // The end is exclusive.
            #expect(try await store.mutes(activeAt: 2_000).map(\.userID) == ["u1", "u1"])
            #expect(try await store.mutes(activeAt: 5_000).isEmpty)
            let journaled = try await facts(Mutes.journalType).map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
            }
            #expect(journaled.count == 4)
            #expect(journaled.last?["room"] as? String == "r2" && journaled.last?["user_id"] as? String == "u1"
                && journaled.last?["until_ms"] as? Int == 2_500 && journaled.last?["by"] as? String == "op2")
        }
    }

    @Test(arguments: backends)
    func filterAndMutesLoadWhatWasStored(_ backend: StoreBackend<any ModerationStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let filter = try await KeywordFilter.load(from: store)
            try await filter.replace(with: [.init(word: "spam", category: "ads", action: .block)])
            let mutes = try await Mutes(store: store, now: 0)
            try await mutes.mute(room: "r1", userID: "u1", untilMillis: 10_000, by: "s1", now: 0)
            // A restart reads both back.
            let reloaded = try await KeywordFilter.load(from: store)
            #expect(reloaded.check("buy spam").blockedCategory == "ads")
            let remembered = try await Mutes(store: store, now: 5_000)
            #expect(remembered.isMuted(room: "r1", userID: "u1", now: 5_000))
            #expect(!remembered.isMuted(room: "r1", userID: "u1", now: 10_000))
            // A list refused by the checks is not stored.
            await #expect(throws: (any Error).self) { try await reloaded.replace(with: [.init(word: " ", category: "c", action: .block)]) }
            #expect(try await store.wordRules().map(\.word) == ["spam"])
        }
    }

    static func message(_ room: String, _ user: String, _ text: String, at: Int64) -> Danmaku {
        Danmaku(id: 0, room: room, userID: user, text: text, mode: .scroll, color: "#ffffff", score: 0, at: at)
    }

    @Test(arguments: backends)
    func danmakuLogIsPerRoomAndPaged(_ backend: StoreBackend<any ModerationStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            var ids: [Int64] = []
            for (i, room) in ["r1", "r2", "r1", "r1"].enumerated() {
                ids.append(try await store.appendDanmaku(Self.message(room, "u\(i)", "m\(i)", at: Int64(i)), held: false, at: Int64(i)))
            }
            _ = try await store.appendDanmaku(Self.message("r1", "u9", "held", at: 9), held: true, at: 9)
            #expect(ids == ids.sorted() && Set(ids).count == 4)
            let page = try await store.danmakuLog(room: "r1", since: 0, limit: 2)
            #expect(page.map(\.text) == ["m0", "m2"] && page.map(\.id) == [ids[0], ids[2]])
            #expect(try await store.danmakuLog(room: "r1", since: ids[2], limit: 10).map(\.text) == ["m3"])
            #expect(try await store.danmakuLog(room: "r2", since: 0, limit: 10).map(\.id) == [ids[1]])
        }
    }

    @Test(arguments: backends)
    func aHeldDanmakuIsDecidedOnce(_ backend: StoreBackend<any ModerationStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let plain = try await store.appendDanmaku(Self.message("r1", "u1", "fine", at: 1), held: false, at: 1)
            let a = try await store.appendDanmaku(Self.message("r1", "u2", "held a", at: 2), held: true, at: 2)
            let b = try await store.appendDanmaku(Self.message("r2", "u3", "held b", at: 3), held: true, at: 3)
            #expect(try await store.heldDanmaku(since: 0, limit: 10).map(\.id) == [a, b])
            #expect(try await store.heldDanmaku(since: a, limit: 10).map(\.text) == ["held b"])
            #expect(try await store.decideHeld(plain, approve: true, by: "op", reason: "r", at: 5) == .notFound)
            #expect(try await store.decideHeld(999, approve: true, by: "op", reason: "r", at: 5) == .notFound)
            guard case .decided(let decision, let delivered?) = try await store.decideHeld(a, approve: true, by: "op", reason: "ok", at: 6) else {
                Issue.record("approval not decided")
                return
            }
            #expect(decision.heldID == a && decision.approved && decision.decidedBy == "op" && decision.reason == "ok"
                && decision.decidedAt == 6 && decision.deliveredID == delivered.id && delivered.reviewed == true)
            #expect(try await store.danmakuLog(room: "r1", since: plain, limit: 10).map(\.id) == [delivered.id])
            guard case .decided(let refusal, nil) = try await store.decideHeld(b, approve: false, by: "op2", reason: "no", at: 7) else {
                Issue.record("rejection not decided")
                return
            }
            #expect(!refusal.approved && refusal.deliveredID == nil)
            #expect(try await store.danmakuLog(room: "r2", since: 0, limit: 10).isEmpty)
            // Once only, whichever way it went; nothing is held any more.
            #expect(try await store.decideHeld(a, approve: false, by: "op", reason: "again", at: 8) == .alreadyDecided)
            #expect(try await store.decideHeld(b, approve: true, by: "op", reason: "again", at: 8) == .alreadyDecided)
            #expect(try await store.heldDanmaku(since: 0, limit: 10).isEmpty)
            #expect(try await facts(DanmakuService.reviewDecisionJournalType).count == 2)
        }
    }
}
