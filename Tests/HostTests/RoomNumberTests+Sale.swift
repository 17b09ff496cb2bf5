@testable import Books
import Engine
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

extension RoomNumberTests {
    struct Purchase: Decodable, Equatable {
        let number: String
        let room_id: String
        let buyer_id: String
        let price_coins: Int64
        let transfer_id: String
        let assigned_at: Int64
        let replaced: String?
    }

    @Test("two streamers buy one number at once: exactly one wins and pays, the others get 409 and pay nothing")
    func concurrentBuyers() async throws {
        let buyers = (1...6).map { "s\($0)" }
        let h = try await NumberHost(
            coins: Dictionary(uniqueKeysWithValues: buyers.map { ($0, 1_000) }),
            rooms: Dictionary(uniqueKeysWithValues: buyers.map { ("room-\($0)", $0) }))
        _ = try await h.engine.numbers.list("888", priceCoins: 300, by: "ops-1")
        let tokens = try buyers.map { try h.token(.streamer, $0) }
        let statuses = try await h.test { client in
            try await withThrowingTaskGroup(of: (String, HTTPResponse.Status, String).self) { group in
                for (buyer, token) in zip(buyers, tokens) {
                    group.addTask {
                        let r = try await client.execute(
                            uri: "/v1/rooms/room-\(buyer)/number", method: .post, headers: bearer(token), body: buyBody("888", key: "k"))
                        return (buyer, r.status, r.status == .ok ? "" : try r.json(ErrorBody.self).error)
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = ($1.1, $1.2) }
            }
        }
        let winners = statuses.filter { $0.value.0 == .ok }.map(\.key)
        try #require(winners.count == 1)
        let winner = winners[0]
        for (buyer, outcome) in statuses where buyer != winner {
            #expect(outcome.0 == .conflict && outcome.1 == "number_taken")
        }
        for buyer in buyers {
            #expect(try await h.engine.ledger.balances(user: buyer)["coins"] == (buyer == winner ? 700 : 1_000))
        }
        #expect(try await h.engine.numbers.roomID(holding: "888") == "room-\(winner)")
        let fees = try await h.engine.store.read { db in
            try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(amount), 0) FROM ledger_transfers WHERE code = 'room_number'")
        }
        #expect(fees == 300)
    }

    @Test("a purchase is idempotent per key; refusals move nothing and are answered again under their key")
    func purchaseIdempotency() async throws {
        let h = try await NumberHost(coins: ["s1": 1_000, "s2": 100])
        let ops = try h.token(.operator, "ops-1")
        let s1 = try h.token(.streamer, "s1")
        let s2 = try h.token(.streamer, "s2")
        let v = try h.token(.viewer, "v1")
        let t0 = h.clock.nowMillis()
        try await h.test { client in
            for number in ["888", "999"] {
                let listed = try await client.execute(
                    uri: "/v1/admin/room-numbers/\(number)", method: .put, headers: bearer(ops), body: jsonBody(#"{"price_coins":300}"#))
                #expect(try listed.json(NumberState.self) == NumberState(number: number, room_id: nil, assigned_at: nil, frees_at: nil, price_coins: 300))
            }
            _ = try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .put, headers: bearer(ops), body: numberBody("100"))
            let first = try await client.execute(uri: "/v1/rooms/r1/number", method: .post, headers: bearer(s1), body: buyBody("888", key: "k1"))
            #expect(first.status == .ok)
            #expect(try first.json(Purchase.self) == Purchase(
                number: "888", room_id: "r1", buyer_id: "s1", price_coins: 300, transfer_id: "room-number:s1:k1", assigned_at: t0, replaced: "100"))
            h.clock.advance(byMillis: 10)
            let again = try await client.execute(uri: "/v1/rooms/888/number", method: .post, headers: bearer(s1), body: buyBody("888", key: "k1"))
            #expect(again.status == .ok && again.text == first.text)
            let otherBody = try await client.execute(uri: "/v1/rooms/r1/number", method: .post, headers: bearer(s1), body: buyBody("999", key: "k1"))
            #expect(otherBody.status == .conflict)
            #expect(try otherBody.json(ErrorBody.self).error == "idempotency_conflict")
            // Refusals: not the streamer, not listed, not enough coins (recorded under its key).
            let notStreamer = try await client.execute(uri: "/v1/rooms/r2/number", method: .post, headers: bearer(v), body: buyBody("999", key: "k1"))
            #expect(notStreamer.status == .forbidden)
            #expect(try notStreamer.json(ErrorBody.self).error == "not_room_streamer")
            let notListed = try await client.execute(uri: "/v1/rooms/r2/number", method: .post, headers: bearer(s2), body: buyBody("777", key: "k1"))
            #expect(notListed.status == .conflict)
            #expect(try notListed.json(ErrorBody.self).error == "number_not_for_sale")
            let poor = try await client.execute(uri: "/v1/rooms/r2/number", method: .post, headers: bearer(s2), body: buyBody("999", key: "k2"))
            #expect(poor.status == .unprocessableContent)
            #expect(try poor.json(ErrorBody.self).error == "insufficient_funds")
            _ = try await h.engine.ledger.transfer([TransferRequest(
                id: "more:s2", debit: .system(.promotions, "coins"), credit: .user("s2", "coins"), asset: "coins", amount: 500, code: "seed")])
            let poorAgain = try await client.execute(uri: "/v1/rooms/r2/number", method: .post, headers: bearer(s2), body: buyBody("999", key: "k2"))
            #expect(poorAgain.status == .unprocessableContent)
            #expect(try poorAgain.json(ErrorBody.self) == (try poor.json(ErrorBody.self)))
            let newKey = try await client.execute(uri: "/v1/rooms/r2/number", method: .post, headers: bearer(s2), body: buyBody("999", key: "k3"))
            #expect(newKey.status == .ok)
        }
        #expect(try await h.engine.ledger.balances(user: "s1")["coins"] == 700)
        #expect(try await h.engine.ledger.balances(user: "s2")["coins"] == 300)
        #expect(try await h.engine.numbers.number(ofRoom: "r1") == "888")
        #expect(try await h.engine.numbers.number(ofRoom: "r2") == "999")
        let facts = try await h.facts()
        #expect(facts.filter { $0.hasPrefix("room_number_assigned") && $0.contains(#""via":"purchase""#) } == [
            #"room_number_assigned {"assigned_at":\#(t0),"by":"s1","number":"888","price_coins":300,"room_id":"r1","streamer_id":"s1","transfer_id":"room-number:s1:k1","via":"purchase"}"#,
            #"room_number_assigned {"assigned_at":\#(t0 + 10),"by":"s2","number":"999","price_coins":300,"room_id":"r2","streamer_id":"s2","transfer_id":"room-number:s2:k3","via":"purchase"}"#,
        ])
        #expect(facts.contains(#"room_number_released {"by":"s1","frees_at":\#(t0 + 30 * Self.day),"number":"100","released_at":\#(t0),"room_id":"r1","via":"replaced"}"#))
        #expect(facts.filter { $0.hasPrefix("room_number_listed") }.count == 2)
    }

    @Test(
        "bad numbers, prices, keys and pages are 400 JSON and change nothing",
        arguments: ["0888", "1234567890", "12a", "", "12", "-123", "+123", " 123", "1e3", "８８８", "99999999999999999999999"])
    func badNumbers(_ bad: String) async throws {
        let h = try await NumberHost(coins: ["s1": 1_000])
        let ops = try h.token(.operator, "ops-1")
        let s1 = try h.token(.streamer, "s1")
        try await h.test { client in
            let assign = try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .put, headers: bearer(ops), body: numberBody(bad))
            #expect(assign.status == .badRequest)
            #expect(try assign.json(ErrorBody.self).error == "invalid_number")
            let buy = try await client.execute(uri: "/v1/rooms/r1/number", method: .post, headers: bearer(s1), body: buyBody(bad, key: "k"))
            #expect(buy.status == .badRequest)
            #expect(try buy.json(ErrorBody.self).error == "invalid_number")
            guard !bad.isEmpty else { return }
            let escaped = bad.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? bad
            let list = try await client.execute(
                uri: "/v1/admin/room-numbers/\(escaped)", method: .put, headers: bearer(ops), body: jsonBody(#"{"price_coins":5}"#))
            #expect(list.status == .badRequest)
            #expect(try list.json(ErrorBody.self).error == "invalid_number")
            let page = try await client.execute(uri: "/v1/admin/room-numbers?after=\(escaped)", method: .get, headers: bearer(ops))
            #expect(page.status == .badRequest)
            #expect(try page.json(ErrorBody.self).error == "invalid_after")
        }
        #expect(try await h.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM room_numbers") } == 0)
        #expect(try await h.facts() == [])
    }

    @Test("bad prices, keys, limits and body types are 400 JSON")
    func badFields() async throws {
        let h = try await NumberHost(coins: ["s1": 1_000])
        let ops = try h.token(.operator, "ops-1")
        let s1 = try h.token(.streamer, "s1")
        let tooLongKey = String(repeating: "k", count: RoomNumberRules.idempotencyKeyBytesMax + 1)
        let okKey = String(repeating: "k", count: RoomNumberRules.idempotencyKeyBytesMax)
        try await h.test { client in
            for (price, code) in [("0", "invalid_price_coins"), ("-1", "invalid_price_coins"), ("100000001", "invalid_price_coins"),
                                  ("9223372036854775808", "invalid_field"), ("\"5\"", "invalid_field"), ("1.5", "invalid_field")] {
                let r = try await client.execute(
                    uri: "/v1/admin/room-numbers/888", method: .put, headers: bearer(ops), body: jsonBody(#"{"price_coins":\#(price)}"#))
                #expect(r.status == .badRequest)
                #expect(try r.json(ErrorBody.self).error == code, "\(price)")
            }
            let top = try await client.execute(
                uri: "/v1/admin/room-numbers/888", method: .put, headers: bearer(ops), body: jsonBody(#"{"price_coins":100000000}"#))
            #expect(top.status == .ok)
            let integer = try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .put, headers: bearer(ops), body: jsonBody(#"{"number":888}"#))
            #expect(try integer.json(ErrorBody.self).error == "invalid_field")
            for key in [tooLongKey, "", "a b"] {
                let r = try await client.execute(uri: "/v1/rooms/r1/number", method: .post, headers: bearer(s1), body: buyBody("888", key: key))
                #expect(r.status == .badRequest)
                #expect(try r.json(ErrorBody.self).error == "invalid_idempotency_key")
            }
            let longest = try await client.execute(uri: "/v1/rooms/r1/number", method: .post, headers: bearer(s1), body: buyBody("888", key: okKey))
            #expect(try longest.json(ErrorBody.self).error == "insufficient_funds")
            for limit in ["0", "501", "x", "99999999999999999999"] {
                let r = try await client.execute(uri: "/v1/admin/room-numbers?limit=\(limit)", method: .get, headers: bearer(ops))
                #expect(r.status == .badRequest)
                #expect(try r.json(ErrorBody.self).error == "invalid_limit")
            }
            let unknown = try await client.execute(uri: "/v1/admin/room-numbers/999", method: .delete, headers: bearer(ops))
            #expect(unknown.status == .notFound)
            #expect(try unknown.json(ErrorBody.self).error == "number_not_listed")
        }
    }

    @Test("the operators' list pages in numeric order; a withdrawn listing leaves it")
    func listing() async throws {
        let h = try await NumberHost()
        let ops = try h.token(.operator, "ops-1")
        for number in ["1000", "999", "100", "25000"] {
            _ = try await h.engine.numbers.list(number, priceCoins: 7, by: "ops-1")
        }
        _ = try await h.engine.numbers.assign("500", to: try await h.engine.rooms.room(id: "r2"), by: "ops-1")
        try await h.test { client in
            let first = try await client.execute(uri: "/v1/admin/room-numbers?limit=3", method: .get, headers: bearer(ops)).json(NumberList.self)
            #expect(first.numbers.map(\.number) == ["100", "500", "999"] && first.next == "999")
            #expect(first.numbers[1].room_id == "r2" && first.numbers[0].price_coins == 7)
            let second = try await client.execute(uri: "/v1/admin/room-numbers?limit=3&after=999", method: .get, headers: bearer(ops)).json(NumberList.self)
            #expect(second.numbers.map(\.number) == ["1000", "25000"] && second.next == nil)
            let withdrawn = try await client.execute(uri: "/v1/admin/room-numbers/1000", method: .delete, headers: bearer(ops))
            #expect(try withdrawn.json(NumberState.self).price_coins == nil)
            let after = try await client.execute(uri: "/v1/admin/room-numbers", method: .get, headers: bearer(ops)).json(NumberList.self)
            #expect(after.numbers.map(\.number) == ["100", "500", "999", "25000"])
        }
    }
}
