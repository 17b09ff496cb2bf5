@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import Rooms
import Testing
@testable import Host

/// An engine host with a room, a catalog and coins for viewers.
func moneyHost(scripts: [String: String] = [:], coins: [String: Int64] = ["v1": 1_000]) async throws -> EngineHost {
    var all = ["activities/probe.lua": ScriptSamples.activity("return 1")]
    for (k, v) in scripts { all[k] = v }
    let e = try await EngineHost(scripts: all)
    _ = try await e.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "chat"))
    _ = try await e.engine.gifts.put(id: "rose", GiftEdit(name: "Rose", priceCoins: 10, countMax: 100))
    _ = try await e.engine.gifts.put(id: "box", GiftEdit(name: "Box", priceCoins: 100))
    for (user, amount) in coins {
        _ = try await e.engine.ledger.transfer([TransferRequest(id: "seed:\(user)", debit: .system(.promotions, "coins"),
            credit: .user(user, "coins"), asset: "coins", amount: amount, code: "seed")])
    }
    return e
}

func send(_ gift: String = "rose", count: Int64 = 1, key: String) -> ByteBuffer {
    jsonBody(#"{"gift_id":"\#(gift)","count":\#(count),"idempotency_key":"\#(key)"}"#)
}

@Suite("Gifts over HTTP")
struct GiftSendRoutesTests {
    struct Receipt: Decodable { let balance_coins: Int64; let transfer_ids: [String]; let total_coins: Int64; let streamer_revenue: Int64 }

    @Test("a gift moves coins to revenue, fee and guild; a replay returns the same receipt")
    func sendAndReplay() async throws {
        let e = try await moneyHost()
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let first = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send(count: 3, key: "a"))
            #expect(first.status == .ok)
            let r = try first.json(Receipt.self)
            #expect(r.balance_coins == 970 && r.total_coins == 30 && r.streamer_revenue == 15)
            #expect(r.transfer_ids.count == 4)
            let again = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send(count: 3, key: "a"))
            #expect(again.text == first.text)
        }
        #expect(try await e.engine.ledger.balances(user: "s1")["revenue"] == 15)
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 970)
    }

    @Test(
        "bad sends are 4xx with a JSON error and move no money",
        arguments: [
            ("/v1/rooms/r1/gifts", #"{"gift_id":"nope","count":1,"idempotency_key":"x"}"#, 404, "gift_not_found"),
            ("/v1/rooms/zz/gifts", #"{"gift_id":"rose","count":1,"idempotency_key":"x"}"#, 404, "room_not_found"),
            ("/v1/rooms/r1/gifts", #"{"gift_id":"rose","count":0,"idempotency_key":"x"}"#, 400, "invalid_count"),
            ("/v1/rooms/r1/gifts", #"{"gift_id":"rose","count":-1,"idempotency_key":"x"}"#, 400, "invalid_count"),
            ("/v1/rooms/r1/gifts", #"{"gift_id":"rose","count":101,"idempotency_key":"x"}"#, 400, "invalid_count"),
            ("/v1/rooms/r1/gifts", #"{"gift_id":"box","count":11,"idempotency_key":"x"}"#, 422, "insufficient_funds"),
            ("/v1/rooms/r1/gifts", #"{"gift_id":"rose","count":1}"#, 400, "invalid_field"),
            ("/v1/rooms/r1/gifts", #"{"gift_id":"rose","count":1,"idempotency_key":""}"#, 400, "invalid_idempotency_key"),
            ("/v1/rooms/r1/gifts", #"{"gift_id":"rose","count":1,"idempotency_key":"x","tip":5}"#, 400, "unknown_field"),
            ("/v1/rooms/r1/gifts", #"{"gift_id":"rose""#, 400, "malformed_json"),
        ])
    func badSends(_ uri: String, _ body: String, _ status: Int, _ code: String) async throws {
        let e = try await moneyHost()
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let r = try await client.execute(uri: uri, method: .post, headers: bearer(v), body: jsonBody(body))
            #expect(r.status.code == status)
            #expect(try r.json(ErrorBody.self).error == code)
        }
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 1_000)
        let facts = try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'gift'") }
        #expect(facts == 0)
    }

    @Test("a streamer cannot gift their own room, and a refused key stays refused")
    func selfGiftAndStickyFailure() async throws {
        let e = try await moneyHost(coins: ["v1": 50, "s1": 100])
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let own = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(try e.token(.streamer, user: "s1")), body: send(key: "z"))
            #expect(try own.json(ErrorBody.self).error == "gift_to_self")
            let poor = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send("box", key: "k"))
            #expect(try poor.json(ErrorBody.self).error == "insufficient_funds")
            _ = try await e.engine.ledger.transfer([TransferRequest(id: "more", debit: .system(.promotions, "coins"),
                credit: .user("v1", "coins"), asset: "coins", amount: 500, code: "seed")])
            let retry = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send("box", key: "k"))
            #expect(try retry.json(ErrorBody.self).error == "insufficient_funds")
            let fresh = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send("box", key: "k2"))
            #expect(fresh.status == .ok)
        }
    }

    @Test("a refusal only the chain can find (the streamer's revenue at its Int64 limit) rolls the send back whole, unrecorded")
    func chainRefusalRollsBack() async throws {
        let e = try await moneyHost(coins: ["v1": 100])
        _ = try await e.engine.ledger.transfer([TransferRequest(id: "full", debit: .system(.revenueIssuance, "revenue"),
            credit: .user("s1", "revenue"), asset: "revenue", amount: Int64.max - 4, code: "seed")])
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            for _ in 0..<2 {
                let r = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send(key: "edge"))
                #expect(r.status.code >= 400 && r.status.code < 500)
                #expect(try r.json(ErrorBody.self).error == "amount_overflow")
            }
        }
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 100)
        #expect(try await e.engine.ledger.balances(user: "s1")["revenue"] == Int64.max - 4)
        let (sends, combos, gifts) = try await e.engine.store.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gift_sends") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gift_combos") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'gift'") ?? -1)
        }
        #expect(sends == 0 && combos == 0 && gifts == 0)
        e.folder.remove()
    }

    @Test("200 concurrent gifts from a wallet that affords 100: exactly 100 succeed")
    func concurrentSpend() async throws {
        let e = try await moneyHost(coins: ["v1": 1_000])
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask {
                    do {
                        _ = try await e.engine.giftSender.send(GiftSendRequest(roomID: "r1", senderID: "v1", giftID: "rose", count: 1, idempotencyKey: "c\(i)"))
                        return true
                    } catch let error as any ShowrunnerError where error.code == "insufficient_funds" { return false }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 100)
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 0)
        let report = try await e.engine.store.read { db in (try Reconciliation().check(db), try GiftReconciliation.check(db)) }
        #expect(report.0.isClean && report.1.isEmpty)
        e.folder.remove()
    }

    @Test("a hot streamer receives from 64 senders at once")
    func hotStreamer() async throws {
        var coins: [String: Int64] = [:]
        for i in 0..<64 { coins["v\(i)"] = 100 }
        let e = try await moneyHost(coins: coins)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<64 {
                group.addTask {
                    for k in 0..<5 {
                        _ = try await e.engine.giftSender.send(GiftSendRequest(roomID: "r1", senderID: "v\(i)", giftID: "rose", count: 1, idempotencyKey: "h\(k)"))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await e.engine.ledger.balances(user: "s1")["revenue"] == 64 * 5 * 5)
        e.folder.remove()
    }

    @Test("validate steps refuse or lower the price inside the send; after_commit grants run once from the journal")
    func steps() async throws {
        let e = try await moneyHost(scripts: [
            "gifts/discount.lua": "return gift_step { id = 'discount', order = 1, gifts = { 'box' }, validate = function(ctx, g) return { price_coins = 60 } end }",
            "gifts/guard.lua": "return gift_step { id = 'guard', order = 2, validate = function(ctx, g) if g.count > 5 then return false, 'too many' end end }",
            "gifts/bonus.lua": "return gift_step { id = 'bonus', order = 3, gifts = { 'box' }, after_commit = function(ctx, g) ctx.grant(g.sender_id, 'tickets', g.count, 'bonus') end }",
        ])
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let r = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send("box", count: 2, key: "b")).json(Receipt.self)
            #expect(r.total_coins == 120)
            let refused = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send(count: 6, key: "c"))
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.json(ErrorBody.self).message.contains("too many"))
        }
        _ = try await e.engine.consumers.drain()
        _ = try await e.engine.consumers.drain()
        #expect(try await e.engine.ledger.balances(user: "v1")["tickets"] == 2)
    }
}
