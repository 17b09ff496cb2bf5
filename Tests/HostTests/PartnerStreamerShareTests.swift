@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Rooms
import Testing
@testable import Host

/// Games played in a room: the partner's `streamer_share_bp` of a debit is the room's
/// streamer's revenue, refunds take it back in proportion, and the earnings count it as
/// `partner_games`.
@Suite("Partner games pay the room's streamer")
struct PartnerStreamerShareTests {
    static let arcadeSecret = String(repeating: "a", count: 40)

    /// A host with partner `arcade` at `bp`, beside the default `games` (0 bp).
    static func host(bp: Int64, coins: Int64 = 1_000) async throws -> PartnerHost {
        let p = try await PartnerHost(coins: ["v1": coins])
        _ = try await p.engine.engine.partners.registry.register(id: "arcade", secret: arcadeSecret, name: nil, streamerShareBP: bp, by: "ops")
        return p
    }

    static func call(_ p: PartnerHost, _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, body: String)
        async throws -> TestResponse
    {
        try await client.execute(
            uri: path, method: method, headers: p.headers(method, path, body: body, secret: arcadeSecret, partner: "arcade"),
            body: jsonBody(body))
    }

    static func revenue(_ p: PartnerHost, _ user: String = "s1") async throws -> Int64 {
        try await p.engine.engine.ledger.balances(user: user)["revenue"] ?? 0
    }

    static func roomDebit(_ order: String, amount: Int64, room: String = "r1") -> String {
        #"{"partner_order_id":"\#(order)","user_id":"v1","amount_coins":\#(amount),"room_id":"\#(room)"}"#
    }

    struct Debit: Decodable, Equatable {
        let amount_coins: Int64
        let room_id: String?
        let streamer_id: String?
        let streamer_share: Int64?
    }

    struct Refund: Decodable {
        let streamer_id: String?
        let streamer_share: Int64?
    }

    @Test("the share is issued with the debit, taken back in proportion by refunds (summing to it), and counted in earnings")
    func shareLifecycle() async throws {
        let p = try await Self.host(bp: 1_500)
        try await p.test { client in
            let body = Self.roomDebit("o1", amount: 333)
            let r = try await Self.call(p, client, .post, "/v1/partner/orders", body: body)
            #expect(r.status == .ok)
            let debit = try r.json(Debit.self)
            // 333 × 1,500 / 10,000 = 49.95: rounded down.
            #expect(debit == Debit(amount_coins: 333, room_id: "r1", streamer_id: "s1", streamer_share: 49))
            #expect(try await Self.revenue(p) == 49)
            // The same key and body answer the same; another room, or none, is a conflict.
            let replay = try await Self.call(p, client, .post, "/v1/partner/orders", body: body)
            #expect(replay.status == .ok && replay.text == r.text)
            _ = try await p.engine.engine.rooms.create(NewRoom(id: "r2", streamerID: "s2", title: "Room 2", category: "chat"))
            for other in [Self.roomDebit("o1", amount: 333, room: "r2"), debitBody("o1", amount: 333)] {
                let conflict = try await Self.call(p, client, .post, "/v1/partner/orders", body: other)
                let error = try conflict.json(ErrorBody.self).error
                #expect(conflict.status == .conflict && error == "idempotency_conflict")
            }
            let (s1, s2) = (try await Self.revenue(p), try await Self.revenue(p, "s2"))
            #expect(s1 == 49 && s2 == 0)

            // 100 of 333 coins back: ⌊49 × 100 / 333⌋ = 14; then the rest: 49 − 14 = 35.
            let first = try await Self.call(p, client, .post, "/v1/partner/orders/o1/refunds", body: #"{"refund_id":"f1","amount_coins":100}"#)
            #expect(first.status == .ok)
            let firstRefund = try first.json(Refund.self)
            #expect(firstRefund.streamer_share == 14 && firstRefund.streamer_id == "s1")
            #expect(try await Self.revenue(p) == 35)
            try await p.engine.engine.consumers.drain()
            let month = String(OperationsCalendar().key(.daily, at: p.clock.nowMillis()).prefix(7))
            let earned = try await p.engine.engine.earnings.month(streamer: "s1", month: month)
            #expect(earned.revenue["partner_games"] == 35 && earned.total == 35)

            let rest = try await Self.call(p, client, .post, "/v1/partner/orders/o1/refunds", body: #"{"refund_id":"f2","amount_coins":233}"#)
            let restRefund = try rest.json(Refund.self)
            #expect(rest.status == .ok && restRefund.streamer_share == 35)
            #expect(try await Self.revenue(p) == 0)
            let order = try await Self.call(p, client, .get, "/v1/partner/orders/o1", body: "")
            #expect(order.text.contains(#""streamer_share":49"#) && order.text.contains(#""state":"refunded""#))
            try await p.engine.engine.consumers.drain()
            let settled = try await p.engine.engine.earnings.month(streamer: "s1", month: month)
            #expect(settled.revenue["partner_games"] == 0)
            let problems = try await p.engine.engine.earnings.reconcile()
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("at 0 bp nothing is issued, at 10,000 the whole amount; a debit without a room pays no one", arguments: [Int64(0), 10_000])
    func edgesOfTheRate(_ bp: Int64) async throws {
        let p = try await Self.host(bp: bp)
        try await p.test { client in
            let r = try await Self.call(p, client, .post, "/v1/partner/orders", body: Self.roomDebit("o1", amount: 777))
            let share = try r.json(Debit.self).streamer_share
            #expect(r.status == .ok && share == (bp == 0 ? 0 : 777))
            #expect(try await Self.revenue(p) == (bp == 0 ? 0 : 777))
            let plain = try await Self.call(p, client, .post, "/v1/partner/orders", body: debitBody("o2", amount: 10))
            #expect(plain.status == .ok)
            let d = try plain.json(Debit.self)
            #expect(d.room_id == nil && d.streamer_id == nil && d.streamer_share == nil)
            #expect(!plain.text.contains("streamer"))
            #expect(try await Self.revenue(p) == (bp == 0 ? 0 : 777))
        }
    }

    @Test("an unknown room is 404 and a malformed one 400, with nothing moved or recorded")
    func badRooms() async throws {
        let p = try await Self.host(bp: 1_000)
        try await p.test { client in
            let before = try await p.coins()
            let missing = try await Self.call(p, client, .post, "/v1/partner/orders", body: Self.roomDebit("o1", amount: 10, room: "nowhere"))
            let missingError = try missing.json(ErrorBody.self).error
            #expect(missing.status == .notFound && missingError == "room_not_found")
            for bad in ["", "has space", String(repeating: "r", count: 300)] {
                let r = try await Self.call(p, client, .post, "/v1/partner/orders", body: Self.roomDebit("o2", amount: 10, room: bad))
                let error = try r.json(ErrorBody.self).error
                #expect(r.status == .badRequest && error == "invalid_room_id", "\(bad)")
            }
            let after = try await p.coins()
            #expect(after == before)
            #expect(try await p.count("partner_orders") == 0)
        }
    }

    @Test("a refund whose share the streamer no longer has is refused whole (422): the viewer's coins stay put")
    func refundWithoutTheRevenue() async throws {
        let p = try await Self.host(bp: 5_000)
        try await p.test { client in
            #expect(try await Self.call(p, client, .post, "/v1/partner/orders", body: Self.roomDebit("o1", amount: 200)).status == .ok)
            // The streamer's 100 revenue is paid out elsewhere.
            _ = try await p.engine.engine.ledger.transfer([TransferRequest(
                id: "out", debit: .user("s1", "revenue"), credit: .system(.settlementPayouts, "revenue"), asset: "revenue", amount: 100,
                code: "test")])
            let before = try await p.coins()
            let r = try await Self.call(p, client, .post, "/v1/partner/orders/o1/refunds", body: #"{"refund_id":"f1","amount_coins":200}"#)
            let error = try r.json(ErrorBody.self).error
            #expect(r.status == .unprocessableContent && error == "insufficient_funds")
            let after = try await p.coins()
            #expect(after == before)
            #expect(try await p.count("partner_refunds") == 0)
        }
    }

    @Test("registration takes streamer_share_bp 0...10000 and lists it; anything else is 400")
    func registration() async throws {
        let p = try await PartnerHost()
        let op = try p.engine.token(.operator, user: "ops")
        try await p.test { client in
            let r = try await client.execute(
                uri: "/v1/admin/partners", method: .post, headers: bearer(op), body: jsonBody(#"{"id":"slots","streamer_share_bp":10000}"#))
            #expect(r.status == .created && r.text.contains(#""streamer_share_bp":10000"#))
            for bad in ["-1", "10001", "1.5", "\"5\"", "9223372036854775808"] {
                let refused = try await client.execute(
                    uri: "/v1/admin/partners", method: .post, headers: bearer(op), body: jsonBody(#"{"id":"x","streamer_share_bp":\#(bad)}"#))
                #expect(refused.status == .badRequest, "\(bad)")
            }
            let list = try await client.execute(uri: "/v1/admin/partners", method: .get, headers: bearer(op))
            #expect(list.text.contains(#""streamer_share_bp":0"#) && list.text.contains(#""streamer_share_bp":10000"#))
            #expect(!list.text.contains(#""id":"x""#))
        }
    }
}
