@testable import Books
import Engine
import EngineTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Showrunner
import Testing
@testable import Host

@Suite("Top-ups, wallet, grants, refunds")
struct PaymentsAndWalletTests {
    func signed(_ e: EngineHost, _ body: String, at ts: Int64 = Int64(Date().timeIntervalSince1970)) -> HTTPFields {
        let sig = e.engine.topUps.signature(body: Array(body.utf8), timestamp: String(ts))
        return [HTTPField.Name("X-Timestamp")!: String(ts), HTTPField.Name("X-Signature")!: sig]
    }

    @Test("a signed callback credits once; replays return the first result even after the balance moved; another body is 409")
    func topUp() async throws {
        let e = try await moneyHost(coins: [:])
        let body = #"{"order_id":"o1","user_id":"v9","amount_coins":250}"#
        try await e.test { client in
            let first = try await client.execute(uri: "/v1/payments/callback", method: .post, headers: signed(e, body), body: jsonBody(body))
            #expect(first.status == .ok)
            #expect(first.text.contains(#""balance_coins":250"#))
            let replay = try await client.execute(uri: "/v1/payments/callback", method: .post, headers: signed(e, body), body: jsonBody(body))
            #expect(replay.text == first.text)
            // The balance moves on (another top-up, a gift); a replay still answers as the first time.
            let second = #"{"order_id":"o2","user_id":"v9","amount_coins":40}"#
            let credited = try await client.execute(uri: "/v1/payments/callback", method: .post, headers: signed(e, second), body: jsonBody(second))
            #expect(credited.text.contains(#""balance_coins":290"#))
            let gift = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(try e.token(.viewer, user: "v9")),
                body: send(count: 3, key: "after-topup"))
            #expect(gift.status == .ok)
            let late = try await client.execute(uri: "/v1/payments/callback", method: .post, headers: signed(e, body), body: jsonBody(body))
            #expect(late.status == .ok)
            #expect(late.text == first.text)
            let lateSecond = try await client.execute(uri: "/v1/payments/callback", method: .post, headers: signed(e, second), body: jsonBody(second))
            #expect(lateSecond.text == credited.text)
            let other = #"{"order_id":"o1","user_id":"v9","amount_coins":999}"#
            let conflict = try await client.execute(uri: "/v1/payments/callback", method: .post, headers: signed(e, other), body: jsonBody(other))
            #expect(conflict.status == .conflict)
        }
        #expect(try await e.engine.ledger.balances(user: "v9")["coins"] == 260)
    }

    @Test(
        "bad callbacks are refused and credit nothing",
        arguments: [("signature", 401, "bad_signature"), ("stale", 401, "stale_timestamp"), ("missing", 401, "missing_signature"),
                    ("amount", 400, "invalid_amount_coins"), ("user", 400, "invalid_user_id"), ("field", 400, "unknown_field"),
                    ("order", 400, "invalid_order_id")])
    func badCallbacks(_ kind: String, _ status: Int, _ code: String) async throws {
        let e = try await moneyHost(coins: [:])
        var body = #"{"order_id":"o1","user_id":"v9","amount_coins":250}"#
        if kind == "amount" { body = #"{"order_id":"o1","user_id":"v9","amount_coins":0}"# }
        if kind == "user" { body = #"{"order_id":"o1","user_id":"bad user","amount_coins":5}"# }
        if kind == "field" { body = #"{"order_id":"o1","user_id":"v9","amount_coins":5,"bonus":1}"# }
        if kind == "order" { body = #"{"order_id":"o 1","user_id":"v9","amount_coins":5}"# }
        var headers = signed(e, body, at: kind == "stale" ? Int64(Date().timeIntervalSince1970) - 301 : Int64(Date().timeIntervalSince1970))
        if kind == "signature" { headers[HTTPField.Name("X-Signature")!] = String(repeating: "0", count: 64) }
        if kind == "missing" { headers = [:] }
        let (sentHeaders, sentBody) = (headers, body)
        try await e.test { client in
            let r = try await client.execute(uri: "/v1/payments/callback", method: .post, headers: sentHeaders, body: jsonBody(sentBody))
            #expect(r.status.code == status)
            #expect(try r.json(ErrorBody.self).error == code)
        }
        #expect(try await e.engine.ledger.balances(user: "v9")["coins"] == 0)
    }

    /// An extreme `X-Timestamp` once overflowed the freshness check and aborted the process
    /// before the signature was looked at. Every malformed or far timestamp is 401, nothing moves.
    @Test("extreme or malformed timestamps are 401 stale_timestamp, never a crash",
          arguments: ["-9223372036854775808", "9223372036854775807", "-9223372036854775807", "99999999999999999999",
                      "-1", "+1700000000", " 1700000000", "1700000000.0", "1e9", "0x10", "１２３", "000000000000001"])
    func extremeTimestamps(_ timestamp: String) async throws {
        let e = try await moneyHost(coins: [:])
        let body = #"{"order_id":"o1","user_id":"v9","amount_coins":250}"#
        var headers = signed(e, body)
        headers[HTTPField.Name("X-Timestamp")!] = timestamp
        headers[HTTPField.Name("X-Signature")!] = e.engine.topUps.signature(body: Array(body.utf8), timestamp: timestamp)
        let sentHeaders = headers
        try await e.test { client in
            let r = try await client.execute(uri: "/v1/payments/callback", method: .post, headers: sentHeaders, body: jsonBody(body))
            #expect(r.status == .unauthorized)
            #expect(try r.json(ErrorBody.self).error == "stale_timestamp")
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
        #expect(try await e.engine.ledger.balances(user: "v9")["coins"] == 0)
    }

    @Test("wallet history pages with a cursor; limits are checked")
    func walletHistory() async throws {
        let e = try await moneyHost(coins: ["v1": 1_000])
        let v = try e.token(.viewer, user: "v1")
        struct Page: Decodable { let transfers: [Transfer]; let next_cursor: String? }
        try await e.test { client in
            for i in 0..<3 { _ = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send(key: "p\(i)")) }
            let wallet = try await client.execute(uri: "/v1/wallet", method: .get, headers: bearer(v))
            #expect(wallet.text.contains(#""coins":970"#))
            let page1 = try await client.execute(uri: "/v1/wallet/transfers?limit=4", method: .get, headers: bearer(v)).json(Page.self)
            #expect(page1.transfers.count == 4)
            let cursor = try #require(page1.next_cursor)
            let page2 = try await client.execute(uri: "/v1/wallet/transfers?limit=4&cursor=\(cursor)", method: .get, headers: bearer(v)).json(Page.self)
            #expect(page2.transfers.count == 3)
            #expect(Set(page1.transfers.map(\.id)).isDisjoint(with: page2.transfers.map(\.id)))
            let bad = try await client.execute(uri: "/v1/wallet/transfers?limit=0", method: .get, headers: bearer(v))
            #expect(bad.status == .badRequest)
            let badCursor = try await client.execute(uri: "/v1/wallet/transfers?cursor=zzz", method: .get, headers: bearer(v))
            #expect(badCursor.status == .badRequest)
        }
    }

    @Test("operator grants and reversals are journaled with who and why; viewers are refused")
    func grantsAndReversals() async throws {
        let e = try await moneyHost(coins: [:])
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            let g = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op),
                body: jsonBody(#"{"asset":"tickets","amount":7,"reason":"apology","idempotency_key":"g1"}"#))
            #expect(g.status == .created)
            let bad = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op),
                body: jsonBody(#"{"asset":"gold","amount":7,"reason":"x","idempotency_key":"g2"}"#))
            #expect(bad.status == .badRequest)
            let negative = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op),
                body: jsonBody(#"{"asset":"coins","amount":-7,"reason":"x","idempotency_key":"g3"}"#))
            #expect(negative.status == .badRequest)
            let rev = try await client.execute(uri: "/v1/admin/transfers/admin-grant:g1/reversals", method: .post, headers: bearer(op),
                body: jsonBody(#"{"reason":"mistake","idempotency_key":"r1"}"#))
            #expect(rev.status == .created)
            let twice = try await client.execute(uri: "/v1/admin/transfers/admin-grant:g1/reversals", method: .post, headers: bearer(op),
                body: jsonBody(#"{"reason":"mistake","idempotency_key":"r2"}"#))
            #expect(twice.status == .conflict)
            let viewer = try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(try e.token(.viewer)),
                body: jsonBody(#"{"asset":"tickets","amount":7,"reason":"x","idempotency_key":"g9"}"#))
            #expect(viewer.status == .forbidden)
        }
        #expect(try await e.engine.ledger.balances(user: "v5")["tickets"] == 0)
        let audit = try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type IN ('admin_grant','admin_reversal') ORDER BY offset")
        }
        #expect(audit.count == 2 && audit[0].contains(#""by":"ops""#) && audit[1].contains("mistake"))
    }

    @Test("refund reverses the chain and agreed step grants, once; unknown offsets are 404")
    func refund() async throws {
        let e = try await moneyHost(scripts: [
            "gifts/a.lua": "return gift_step { id = 'keep', order = 1, after_commit = function(ctx, g) ctx.grant(g.sender_id, 'tickets', 1, 'a') end }",
            "gifts/b.lua": "return gift_step { id = 'undo', order = 2, after_commit = function(ctx, g) ctx.grant(g.sender_id, 'tickets', 2, 'b') end, on_refund = function() return true end }",
        ])
        let v = try e.token(.viewer, user: "v1")
        let op = try e.token(.operator)
        try await e.test { client in
            _ = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send("box", key: "r"))
            _ = try await e.engine.consumers.drain()
            let offset = try await e.engine.store.read { db in try Int64.fetchOne(db, sql: "SELECT offset FROM journal WHERE type = 'gift'") } ?? 0
            let r = try await client.execute(uri: "/v1/admin/gift-sends/\(offset)/refund", method: .post, headers: bearer(op), body: jsonBody(#"{"reason":"chargeback"}"#))
            #expect(r.status == .ok)
            #expect(r.text.contains(#""manual":["gift:\#(offset):keep:0"]"#))
            let again = try await client.execute(uri: "/v1/admin/gift-sends/\(offset)/refund", method: .post, headers: bearer(op), body: jsonBody(#"{"reason":"chargeback"}"#))
            #expect(again.status == .conflict)
            let none = try await client.execute(uri: "/v1/admin/gift-sends/1/refund", method: .post, headers: bearer(op), body: jsonBody(#"{"reason":"x"}"#))
            #expect(none.status == .notFound)
        }
        let b = try await e.engine.ledger.balances(user: "v1")
        #expect(b["coins"] == 1_000 && b["tickets"] == 1)
        #expect(try await e.engine.ledger.balances(user: "s1")["revenue"] == 0)
    }

    @Test("after a crash the consumers resume from their cursors and apply every missing effect once")
    func compensation() async throws {
        let e = try await moneyHost(scripts: [
            "gifts/t.lua": "return gift_step { id = 't', order = 1, after_commit = function(ctx, g) ctx.grant(g.sender_id, 'tickets', g.count, 't') end }",
        ])
        for i in 0..<5 {
            _ = try await e.engine.giftSender.send(GiftSendRequest(roomID: "r1", senderID: "v1", giftID: "rose", count: 2, idempotencyKey: "k\(i)"))
        }
        // The server "crashes" before its consumers ran: a new engine opens the same file.
        try e.engine.store.close()
        let reopened = try EngineParts.open(databasePath: e.database.path, scriptsPath: e.folder.path, synchronous: .normal, logger: .quiet())
        try await reopened.loadScripts()
        _ = try await reopened.consumers.drain()
        _ = try await reopened.consumers.drain()
        #expect(try await reopened.ledger.balances(user: "v1")["tickets"] == 10)
        let clean = try await reopened.store.read { db in try Reconciliation().check(db).isClean && GiftReconciliation.check(db).isEmpty }
        #expect(clean)
        e.folder.remove()
    }
}
