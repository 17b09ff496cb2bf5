import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Rooms
import Synchronization
import Testing
@testable import Host

@Suite("Signed partner API")
struct PartnerAPITests {
    struct Order: Decodable { let debited_coins: Int64; let refunded_coins: Int64; let state: String; let refunds: [Refund] }
    struct Refund: Decodable { let refund_id: String; let amount_coins: Int64 }

    @Test("a retried debit lands once and answers the first result exactly")
    func retriedDebitLandsOnce() async throws {
        let p = try await PartnerHost()
        try await p.test { client in
            let first = try await p.call(client, .post, "/v1/partner/orders", body: debitBody(memo: "round 1"))
            #expect(first.status == .ok)
            #expect(first.text.contains(#""transfer_id":"partner:games:o1""#))
            p.clock.advance(byMillis: 5_000)
            let retry = try await p.call(client, .post, "/v1/partner/orders", body: debitBody(memo: "round 1"))
            #expect(retry.status == .ok)
            #expect(retry.text == first.text)
        }
        #expect(try await p.coins() == (700, 300))
        #expect(try await p.facts(PartnerOrders.debitType).count == 1)
    }

    @Test("the same order id with another body is 409 idempotency_conflict, nothing moves")
    func sameKeyOtherBody() async throws {
        let p = try await PartnerHost(coins: ["v1": 1_000, "v2": 1_000])
        try await p.test { client in
            #expect(try await p.call(client, .post, "/v1/partner/orders", body: debitBody()).status == .ok)
            for other in [debitBody(amount: 301), debitBody(user: "v2"), debitBody(memo: "x")] {
                let r = try await p.call(client, .post, "/v1/partner/orders", body: other)
                #expect(r.status == .conflict)
                #expect(try r.json(ErrorBody.self).error == "idempotency_conflict")
            }
        }
        #expect(try await p.coins() == (700, 300))
        #expect(try await p.coins("v2").user == 1_000)
    }

    @Test("insufficient funds is 422 with nothing moved and no order recorded")
    func insufficientFunds() async throws {
        let p = try await PartnerHost()
        try await p.test { client in
            let r = try await p.call(client, .post, "/v1/partner/orders", body: debitBody(amount: 1_001))
            #expect(r.status == .unprocessableContent)
            #expect(try r.json(ErrorBody.self).error == "insufficient_funds")
            let order = try await p.call(client, .get, "/v1/partner/orders/o1")
            #expect(order.status == .notFound)
            #expect(try order.json(ErrorBody.self).error == "order_not_found")
        }
        #expect(try await p.coins() == (1_000, 0))
        #expect(try await p.count("partner_orders") == 0)
        #expect(try await p.facts(PartnerOrders.debitType).isEmpty)
    }

    @Test("bad bodies and out-of-bounds numbers are 400, never a crash", arguments: [
        (#"{"partner_order_id":"o1","user_id":"v1","amount_coins":0}"#, "invalid_amount_coins"),
        (#"{"partner_order_id":"o1","user_id":"v1","amount_coins":-5}"#, "invalid_amount_coins"),
        (#"{"partner_order_id":"o1","user_id":"v1","amount_coins":100000001}"#, "invalid_amount_coins"),
        (#"{"partner_order_id":"o1","user_id":"v1","amount_coins":99999999999999999999}"#, "invalid_field"),
        (#"{"partner_order_id":"o 1","user_id":"v1","amount_coins":5}"#, "invalid_partner_order_id"),
        (#"{"partner_order_id":"o1","user_id":"v 1","amount_coins":5}"#, "invalid_user_id"),
        (#"{"partner_order_id":"o1","user_id":"v1","amount_coins":5,"extra":1}"#, "unknown_field"),
        ("[]", "malformed_json"),
    ])
    func badBodies(_ body: String, _ code: String) async throws {
        let p = try await PartnerHost()
        try await p.test { client in
            let r = try await p.call(client, .post, "/v1/partner/orders", body: body)
            #expect(r.status == .badRequest)
            #expect(try r.json(ErrorBody.self).error == code)
        }
        #expect(try await p.coins() == (1_000, 0))
    }

    @Test("refunds: partial, several summing to the debit, one more is 422, replay, conflict, unknown order 404")
    func refundLimits() async throws {
        let p = try await PartnerHost()
        try await p.test { client in
            #expect(try await p.call(client, .post, "/v1/partner/orders", body: debitBody(amount: 100)).status == .ok)
            let r1 = try await p.call(client, .post, "/v1/partner/orders/o1/refunds", body: refundBody("r1", amount: 30))
            #expect(r1.status == .ok)
            let partial = try await p.call(client, .get, "/v1/partner/orders/o1").json(Order.self)
            #expect(partial.state == "partially_refunded" && partial.refunded_coins == 30 && partial.debited_coins == 100)
            #expect(try await p.call(client, .post, "/v1/partner/orders/o1/refunds", body: refundBody("r2", amount: 50)).status == .ok)
            #expect(try await p.call(client, .post, "/v1/partner/orders/o1/refunds", body: refundBody("r3", amount: 20)).status == .ok)
            let over = try await p.call(client, .post, "/v1/partner/orders/o1/refunds", body: refundBody("r4", amount: 1))
            #expect(over.status == .unprocessableContent)
            #expect(try over.json(ErrorBody.self).error == "refund_exceeds_debit")
            let replay = try await p.call(client, .post, "/v1/partner/orders/o1/refunds", body: refundBody("r1", amount: 30))
            #expect(replay.status == .ok && replay.text == r1.text)
            let conflict = try await p.call(client, .post, "/v1/partner/orders/o1/refunds", body: refundBody("r1", amount: 31))
            #expect(conflict.status == .conflict)
            #expect(try conflict.json(ErrorBody.self).error == "idempotency_conflict")
            let unknown = try await p.call(client, .post, "/v1/partner/orders/nope/refunds", body: refundBody("r9", amount: 1))
            #expect(unknown.status == .notFound)
            #expect(try unknown.json(ErrorBody.self).error == "order_not_found")
            let done = try await p.call(client, .get, "/v1/partner/orders/o1").json(Order.self)
            #expect(done.state == "refunded" && done.refunded_coins == 100)
            #expect(done.refunds.map(\.refund_id) == ["r1", "r2", "r3"])
        }
        #expect(try await p.coins() == (1_000, 0))
        #expect(try await p.facts(PartnerOrders.refundType).count == 3)
    }

    @Test("a refund larger than the whole debit is 422 at once")
    func refundOverWholeDebit() async throws {
        let p = try await PartnerHost()
        try await p.test { client in
            #expect(try await p.call(client, .post, "/v1/partner/orders", body: debitBody(amount: 100)).status == .ok)
            let r = try await p.call(client, .post, "/v1/partner/orders/o1/refunds", body: refundBody("r1", amount: 101))
            #expect(r.status == .unprocessableContent)
            #expect(try r.json(ErrorBody.self).error == "refund_exceeds_debit")
        }
        #expect(try await p.coins() == (900, 100))
    }

    @Test("an order takes at most 100 refunds; the next is 422 too_many_refunds")
    func refundCount() async throws {
        let p = try await PartnerHost()
        let orders = p.engine.engine.partners.orders
        _ = try await orders.debit(partner: PartnerHost.partner, orderID: "o1", userID: "v1", amountCoins: 500, memo: nil)
        for i in 0..<PartnerOrders.refundsPerOrderMax {
            _ = try await orders.refund(partner: PartnerHost.partner, orderID: "o1", refundID: "r\(i)", amountCoins: 1)
        }
        try await p.test { client in
            let r = try await p.call(client, .post, "/v1/partner/orders/o1/refunds", body: refundBody("one-more", amount: 1))
            #expect(r.status == .unprocessableContent)
            #expect(try r.json(ErrorBody.self).error == "too_many_refunds")
        }
        #expect(try await p.coins() == (600, 400))
    }

    /// Every way a request can fail authentication: each is 401 JSON and moves nothing.
    @Test("signature failures are 401 JSON with nothing moved", arguments: [
        ("missing X-Partner-Id", "missing_signature"), ("missing X-Timestamp", "missing_signature"),
        ("missing X-Nonce", "missing_signature"), ("missing X-Signature", "missing_signature"),
        ("bad hex", "bad_signature"), ("short signature", "bad_signature"), ("wrong secret", "bad_signature"),
        ("unknown partner", "bad_signature"), ("body changed", "bad_signature"), ("path changed", "bad_signature"),
        ("method changed", "bad_signature"), ("301 s old", "stale_timestamp"), ("301 s ahead", "stale_timestamp"),
        ("non-digit timestamp", "stale_timestamp"), ("huge timestamp", "stale_timestamp"), ("negative timestamp", "stale_timestamp"),
        ("bad nonce", "invalid_nonce"), ("long nonce", "invalid_nonce"),
    ])
    func signatureFailures(_ kind: String, _ code: String) async throws {
        let p = try await PartnerHost()
        let path = "/v1/partner/orders"
        let body = debitBody()
        let now = p.clock.nowMillis() / 1000
        var headers = p.headers(.post, path, body: body)
        var sentBody = body
        var sentPath = path
        func resign(timestamp: String? = nil, nonce: String = UUID().uuidString, secret: String = PartnerHost.secret,
                    partner: String = PartnerHost.partner, method: HTTPRequest.Method = .post) {
            headers = p.headers(method, path, body: body, nonce: nonce, timestamp: timestamp, secret: secret, partner: partner)
        }
        switch kind {
        case let k where k.hasPrefix("missing "): headers[HTTPField.Name(String(k.dropFirst(8)))!] = nil
        case "bad hex": headers[HTTPField.Name("X-Signature")!] = String(repeating: "z", count: 64)
        case "short signature": headers[HTTPField.Name("X-Signature")!] = String(headers[HTTPField.Name("X-Signature")!]!.dropLast(2))
        case "wrong secret": resign(secret: String(repeating: "w", count: 40))
        case "unknown partner": resign(partner: "stranger")
        case "body changed": sentBody = debitBody(amount: 301)
        case "path changed": sentPath = "/v1/partner/orders?x=1"
        case "method changed": resign(method: .put)
        case "301 s old": resign(timestamp: String(now - 301))
        case "301 s ahead": resign(timestamp: String(now + 301))
        case "non-digit timestamp": resign(timestamp: "17000000a0")
        case "huge timestamp": resign(timestamp: "99999999999999999999")
        case "negative timestamp": resign(timestamp: "-\(now)")
        case "bad nonce": resign(nonce: "has space")
        case "long nonce": resign(nonce: String(repeating: "n", count: 65))
        default: Issue.record("unknown case \(kind)")
        }
        let (h, b, u) = (headers, sentBody, sentPath)
        try await p.test { client in
            let r = try await client.execute(uri: u, method: .post, headers: h, body: jsonBody(b))
            #expect(r.status == .unauthorized)
            #expect(try r.json(ErrorBody.self).error == code)
        }
        #expect(try await p.coins() == (1_000, 0))
        #expect(try await p.count("partner_orders") == 0)
        #expect(try await p.count("partner_nonces") == 0)
    }

    @Test("a timestamp exactly 300 s off either way is inside the window")
    func windowEdgeInside() async throws {
        let p = try await PartnerHost()
        let now = p.clock.nowMillis() / 1000
        try await p.test { client in
            for (order, ts) in [("early", now - 300), ("late", now + 300)] {
                let path = "/v1/partner/orders"
                let body = debitBody(order, amount: 10)
                let r = try await client.execute(
                    uri: path, method: .post, headers: p.headers(.post, path, body: body, timestamp: String(ts)), body: jsonBody(body))
                #expect(r.status == .ok)
            }
        }
        #expect(try await p.coins() == (980, 20))
    }

    @Test("the query string is part of the signed target, byte for byte as sent")
    func querySigned() async throws {
        let p = try await PartnerHost()
        try await p.test { client in
            let path = "/v1/partner/orders/o1?trace=a%20b"
            let signed = try await client.execute(uri: path, method: .get, headers: p.headers(.get, path))
            #expect(signed.status == .notFound)
            #expect(try signed.json(ErrorBody.self).error == "order_not_found")
            let decoded = try await client.execute(uri: path, method: .get, headers: p.headers(.get, "/v1/partner/orders/o1?trace=a b"))
            #expect(decoded.status == .unauthorized)
            #expect(try decoded.json(ErrorBody.self).error == "bad_signature")
        }
    }

    @Test("a nonce used again within the window is 409 nonce_reused with nothing moved; old nonces are pruned")
    func reusedNonce() async throws {
        let p = try await PartnerHost()
        try await p.test { client in
            #expect(try await p.call(client, .post, "/v1/partner/orders", body: debitBody("o1", amount: 10), nonce: "n-1").status == .ok)
            let again = try await p.call(client, .post, "/v1/partner/orders", body: debitBody("o2", amount: 10), nonce: "n-1")
            #expect(again.status == .conflict)
            #expect(try again.json(ErrorBody.self).error == "nonce_reused")
            // Another partner may use the same nonce.
            _ = try await p.engine.engine.partners.registry.register(id: "other", secret: PartnerHost.secret, name: nil, by: "ops")
            let path = "/v1/partner/orders/o1"
            let other = try await client.execute(uri: path, method: .get, headers: p.headers(.get, path, nonce: "n-1", partner: "other"))
            #expect(other.status == .notFound)
            p.clock.advance(byMillis: 301_000)
            #expect(try await p.call(client, .get, "/v1/partner/orders/o1").status == .ok)
        }
        #expect(try await p.coins() == (990, 10))
        // The two nonces signed 301 s ago were pruned by the last request; its own remains.
        #expect(try await p.count("partner_nonces") == 1)
    }

    @Test("the daily statement lists each debit and refund of the day and their totals, as CSV")
    func statement() async throws {
        let p = try await PartnerHost(coins: ["v1": 1_000, "v2": 1_000])
        // ManualClock starts at 2023-11-14T22:13:20Z.
        let day = "2023-11-14"
        try await p.test { client in
            #expect(try await p.call(client, .post, "/v1/partner/orders", body: debitBody("o1", amount: 100)).status == .ok)
            p.clock.advance(byMillis: 1_000)
            #expect(try await p.call(client, .post, "/v1/partner/orders", body: debitBody("o2", user: "v2", amount: 50)).status == .ok)
            p.clock.advance(byMillis: 1_000)
            #expect(try await p.call(client, .post, "/v1/partner/orders/o1/refunds", body: refundBody("r1", amount: 30)).status == .ok)
            p.clock.advance(byMillis: 2 * 3_600_000)  // the next day
            #expect(try await p.call(client, .post, "/v1/partner/orders", body: debitBody("o3", amount: 7)).status == .ok)
            #expect(try await p.call(client, .post, "/v1/partner/orders/o2/refunds", body: refundBody("r2", amount: 5)).status == .ok)
            let r = try await p.call(client, .get, "/v1/partner/statements/\(day)")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(r.text == """
                kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms
                debit,o1,,v1,100,0,1700000000000
                debit,o2,,v2,50,0,1700000001000
                refund,o1,r1,v1,0,30,1700000002000
                total,,,,150,30,

                """)
            let next = try await p.call(client, .get, "/v1/partner/statements/2023-11-15")
            #expect(next.text.hasSuffix("debit,o3,,v1,7,0,1700007202000\nrefund,o2,r2,v2,0,5,1700007202000\ntotal,,,,7,5,\n"))
            let empty = try await p.call(client, .get, "/v1/partner/statements/2023-11-13")
            #expect(empty.text == PartnerStatement.header + "\ntotal,,,,0,0,\n")
            for bad in ["2023-02-30", "2023-13-01", "23-11-14", "2023-11-1x", "99999-01-01"] {
                let refused = try await p.call(client, .get, "/v1/partner/statements/\(bad)")
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(try refused.json(ErrorBody.self).error == "invalid_date")
            }
        }
    }

    @Test("messages reach a user's sockets or a room's stream, journaled; bad recipients are 4xx")
    func messages() async throws {
        final class Sockets: UserSubscriber, RoomSubscriber {
            let frames = Mutex<[String]>([])
            func deliver(userID: String, frame: [UInt8]) -> Int {
                frames.withLock { $0.append(String(decoding: frame, as: UTF8.self)) }
                return userID == "v1" ? 1 : 0
            }
            func receive(_ frame: RoomFrame) { frames.withLock { $0.append(String(decoding: frame.bytes, as: UTF8.self)) } }
        }
        let p = try await PartnerHost()
        let sockets = Sockets()
        p.engine.engine.users.attach(sockets)
        let (subscription, _) = p.engine.engine.bus.subscribe(room: "r1", subscriber: sockets) { _ in () }
        defer { subscription.cancel() }
        try await p.test { client in
            let user = try await p.call(client, .post, "/v1/partner/messages", body: #"{"to_user":"v1","text":"you won"}"#)
            #expect(user.status == .ok)
            #expect(user.text.contains(#""sockets_reached":1"#))
            let room = try await p.call(client, .post, "/v1/partner/messages", body: #"{"to_room":"r1","text":"round 2"}"#)
            #expect(room.status == .ok)
            for (body, status, code) in [
                (#"{"to_user":"v1","to_room":"r1","text":"x"}"#, HTTPResponse.Status.badRequest, "invalid_recipient"),
                (#"{"text":"x"}"#, .badRequest, "invalid_recipient"),
                (#"{"to_user":"v1","text":"  "}"#, .badRequest, "invalid_text"),
                (#"{"to_user":"v1","text":"\#(String(repeating: "a", count: 501))"}"#, .badRequest, "invalid_text"),
                (#"{"to_room":"nowhere","text":"x"}"#, .notFound, "room_not_found"),
            ] {
                let r = try await p.call(client, .post, "/v1/partner/messages", body: body)
                #expect(r.status == status)
                #expect(try r.json(ErrorBody.self).error == code)
            }
        }
        let frames = sockets.frames.withLock { $0 }
        #expect(frames.count == 2)
        #expect(frames.first == #"{"type":"notice","user_id":"v1","at":1700000000000,"data":{"partner_id":"games","text":"you won"}}"#)
        #expect(frames.last?.contains(#""type":"notice","room":"r1""#) == true)
        #expect(frames.last?.contains(#""data":{"partner_id":"games","text":"round 2"}"#) == true)
        #expect(try await p.facts(PartnerMessages.messageType).count == 2)
    }

    @Test("operators register partners (secret shown once, generated when absent); duplicates 409; viewers 403")
    func registration() async throws {
        let p = try await PartnerHost()
        let op = try p.engine.token(.operator, user: "ops")
        struct Registered: Decodable { let id: String; let name: String; let secret: String; let created_by: String }
        try await p.test { client in
            let r = try await client.execute(uri: "/v1/admin/partners", method: .post, headers: bearer(op), body: jsonBody(#"{"id":"slots"}"#))
            #expect(r.status == .created)
            let registered = try r.json(Registered.self)
            #expect(registered.id == "slots" && registered.name == "slots" && registered.created_by == "ops")
            #expect(registered.secret.count == 64 && Hex.decode(registered.secret) != nil)
            let again = try await client.execute(uri: "/v1/admin/partners", method: .post, headers: bearer(op), body: jsonBody(#"{"id":"slots"}"#))
            #expect(again.status == .conflict)
            #expect(try again.json(ErrorBody.self).error == "partner_exists")
            let short = try await client.execute(
                uri: "/v1/admin/partners", method: .post, headers: bearer(op), body: jsonBody(#"{"id":"x","secret":"short"}"#))
            #expect(short.status == .badRequest)
            #expect(try short.json(ErrorBody.self).error == "invalid_secret")
            let viewer = try await client.execute(
                uri: "/v1/admin/partners", method: .post, headers: bearer(try p.engine.token(.viewer)), body: jsonBody(#"{"id":"y"}"#))
            #expect(viewer.status == .forbidden)
            let list = try await client.execute(uri: "/v1/admin/partners", method: .get, headers: bearer(op))
            #expect(list.status == .ok)
            #expect(list.text.contains(#""id":"games""#) && list.text.contains(#""id":"slots""#))
            #expect(!list.text.contains("secret") && !list.text.contains(PartnerHost.secret))
            // The generated secret signs requests.
            let path = "/v1/partner/orders/none"
            let signed = try await client.execute(
                uri: path, method: .get, headers: p.headers(.get, path, secret: registered.secret, partner: "slots"))
            #expect(signed.status == .notFound)
        }
    }
}
