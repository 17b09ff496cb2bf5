@testable import Books
import Engine
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import Rooms
import Testing
@testable import Host

/// Products used across the privilege tests.
enum PrivilegeSamples {
    static let day: Int64 = 86_400_000
    static let vip = #"""
        {"kind":"vip","title":"VIP","priority":10,"tiers":[
          {"id":"silver","title":"Silver","badge":"vip-silver","prices":[{"days":30,"coins":300},{"days":90,"coins":810}]},
          {"id":"gold","title":"Gold","badge":"vip-gold","entry_effect":"gold-rain","prices":[{"days":30,"coins":900}]}]}
        """#
    static let noble = #"""
        {"kind":"vip","title":"Noble","priority":50,"tiers":[{"id":"knight","title":"Knight","badge":"knight","prices":[{"days":30,"coins":3000}]}]}
        """#
    static let guardProduct = #"""
        {"kind":"guard","title":"Guard","priority":100,"streamer_share_bp":5000,"tiers":[
          {"id":"captain","title":"Captain","badge":"captain","prices":[{"days":30,"coins":1980}]},
          {"id":"admiral","title":"Admiral","entry_effect":"admiral-fleet","prices":[{"days":30,"coins":19980}]},
          {"id":"governor","title":"Governor","prices":[{"days":30,"coins":199800}]}]}
        """#
    static let car = #"""
        {"kind":"vehicle","title":"Cars","priority":5,"tiers":[{"id":"sedan","title":"Sedan","vehicle":"sedan","prices":[{"days":7,"coins":70}]}]}
        """#

    static func buy(_ product: String, _ tier: String, days: Int, key: String, streamer: String? = nil) -> ByteBuffer {
        let s = streamer.map { #","streamer_id":"\#($0)""# } ?? ""
        return jsonBody(#"{"product":"\#(product)","tier":"\#(tier)","days":\#(days),"idempotency_key":"\#(key)"\#(s)}"#)
    }

    /// A host with the four products, room r1 of s1, and coins for v1 (100,000) and v2 (100).
    static func host(scripts: [String: String] = [:]) async throws -> (EngineHost, ManualClock) {
        let clock = ManualClock()
        var all = ["activities/probe.lua": ScriptSamples.activity("return 1")]
        for (k, v) in scripts { all[k] = v }
        let e = try await EngineHost(scripts: all, clock: clock)
        _ = try await e.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "chat"))
        for (id, body) in [("vip", vip), ("noble", noble), ("guard", guardProduct), ("car", car)] {
            _ = try await e.engine.privileges.put(id: id, try JSONDecoder().decode(PrivilegeProductEdit.self, from: Data(body.utf8)))
        }
        for (user, amount) in [("v1", Int64(100_000)), ("v2", 100)] {
            _ = try await e.engine.ledger.transfer([TransferRequest(id: "seed:\(user)", debit: .system(.promotions, "coins"),
                credit: .user(user, "coins"), asset: "coins", amount: amount, code: "seed")])
        }
        return (e, clock)
    }
}

@Suite("Privileges")
struct PrivilegeTests {
    typealias S = PrivilegeSamples

    struct Purchase: Decodable, Equatable {
        let purchase_id: String
        let action: String
        let tier: String
        let tier_rank: Int64
        let price_coins: Int64
        let credit_coins: Int64
        let charged_coins: Int64
        let streamer_share_coins: Int64
        let starts_at: Int64
        let expires_at: Int64
        let balance_coins: Int64
    }
    struct Shows: Decodable, Equatable {
        var badge: String?
        var entry_effect: String?
        var vehicle: String?
        var `guard`: String?
        var vip: Int?
        var vip_line: String?
        var vip_tier: String?
        var medal: Medal?
        struct Medal: Decodable, Equatable {
            let streamer_id: String
            let level: Int64
        }
    }
    struct Holding: Decodable { let product: String; let tier: String; let expires_at: Int64; let streamer_id: String? }
    struct Holdings: Decodable { let user_id: String; let privileges: [Holding]; let shows: Shows }
    struct ErrorBody: Decodable { let error: String; let message: String }

    @Test("operators define products; every bad product is a 400 naming the field; a kind cannot change")
    func products() async throws {
        let (e, _) = try await S.host()
        let op = try e.token(.operator, user: "ops")
        let v = try e.token(.viewer, user: "v1")
        let bad: [(String, String)] = [
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":300}]},{"id":"b","title":"B","prices":[{"days":30,"coins":299}]}]}"#, "invalid_product"),
            (#"{"kind":"vehicle","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":3}]}]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":1,"streamer_share_bp":10,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":3}]}]}"#, "invalid_product"),
            (#"{"kind":"guard","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":3}]}]}"#, "invalid_product"),
            (#"{"kind":"guard","title":"X","priority":1,"streamer_share_bp":10001,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":3}]}]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":3}]},{"id":"a","title":"B","prices":[{"days":30,"coins":3}]}]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":0,"coins":3}]}]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":3651,"coins":3}]}]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":0}]}]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":10000000001}]}]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":-1,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":3}]}]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[{"id":"A B","title":"A","prices":[{"days":30,"coins":3}]}]}"#, "invalid_product"),
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[{"id":"a","title":"A","color":"red","prices":[{"days":30,"coins":3}]}]}"#, "unknown_field"),
            (#"{"kind":"vip","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":3,"per":"day"}]}]}"#, "unknown_field"),
            (#"{"kind":"club","title":"X","priority":1,"tiers":[{"id":"a","title":"A","prices":[{"days":30,"coins":3}]}]}"#, "invalid_field"),
            (#"{"kind":"vip","title":"X","priority":99999999999999999999,"tiers":[]}"#, "invalid_field"),
        ]
        try await e.test { client in
            for (body, code) in bad {
                let r = try await client.execute(uri: "/v1/admin/privileges/products/x", method: .put, headers: bearer(op), body: jsonBody(body))
                #expect(r.status == .badRequest, "\(body)")
                #expect(try r.json(ErrorBody.self).error == code, "\(body)")
            }
            let missing = try await client.execute(uri: "/v1/admin/privileges/products/x", method: .get, headers: bearer(op))
            #expect(missing.status == .notFound)
            let change = try await client.execute(uri: "/v1/admin/privileges/products/vip", method: .put, headers: bearer(op), body: jsonBody(S.car))
            #expect(change.status == .conflict)
            #expect(try change.json(ErrorBody.self).error == "kind_immutable")
            let denied = try await client.execute(uri: "/v1/admin/privileges/products/vip", method: .put, headers: bearer(v), body: jsonBody(S.vip))
            #expect(denied.status == .forbidden)
            struct Product: Decodable { let id: String; let version: Int64 }
            let again = try await client.execute(uri: "/v1/admin/privileges/products/vip", method: .put, headers: bearer(op), body: jsonBody(S.vip))
            #expect(try again.json(Product.self).version == 2)
            struct List: Decodable { let products: [Product] }
            let listed = try await client.execute(uri: "/v1/privileges/products", method: .get, headers: bearer(v)).json(List.self)
            #expect(listed.products.map(\.id) == ["car", "guard", "noble", "vip"])
        }
    }

    @Test("new, renewal from the current end, upgrade with the unused lower tier credited, lower tier refused")
    func arithmetic() async throws {
        let (e, clock) = try await S.host()
        let v = try e.token(.viewer, user: "v1")
        let t0 = clock.nowMillis()
        try await e.test { client in
            let first = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy("vip", "silver", days: 30, key: "a"))
            #expect(first.status == .ok)
            let a = try first.json(Purchase.self)
            #expect(a.action == "new" && a.charged_coins == 300 && a.starts_at == t0 && a.expires_at == t0 + 30 * S.day && a.balance_coins == 99_700)
            clock.advance(byMillis: 5 * S.day)
            let b = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy("vip", "silver", days: 30, key: "b")).json(Purchase.self)
            #expect(b.action == "renewal" && b.charged_coins == 300 && b.starts_at == t0 && b.expires_at == t0 + 60 * S.day)
            // 55 days of silver left, valued at its cheapest daily rate (810 / 90 = 9 a day): a
            // 30-day gold cannot take them (too short); a 90-day... gold is only sold for 30.
            let short = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy("vip", "gold", days: 30, key: "c"))
            #expect(short.status == .conflict)
            #expect(try short.json(ErrorBody.self).error == "upgrade_too_short")
            clock.advance(byMillis: 40 * S.day + 1)
            // 15 days minus 1 ms left: credit = floor((15 d - 1 ms) * 810 / 90 d) = 134.
            let up = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy("vip", "gold", days: 30, key: "d")).json(Purchase.self)
            #expect(up.action == "upgrade" && up.credit_coins == 134 && up.charged_coins == 900 - 134)
            #expect(up.starts_at == clock.nowMillis() && up.expires_at == clock.nowMillis() + 30 * S.day && up.tier_rank == 2)
            #expect(up.balance_coins == 100_000 - 300 - 300 - 766)
            let lower = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy("vip", "silver", days: 30, key: "e"))
            #expect(lower.status == .conflict)
            #expect(try lower.json(ErrorBody.self).error == "lower_tier_active")
        }
        #expect(try await e.engine.ledger.balance(.system(.platformFees, "coins")) == 1_366)
        let report = try await e.engine.store.read { db in try Reconciliation().check(db) }
        #expect(report.isClean)
    }

    @Test("the same key answers the first result byte for byte; another body is 409; concurrent retries charge once")
    func idempotency() async throws {
        let (e, _) = try await S.host()
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let first = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy("car", "sedan", days: 7, key: "k"))
            let again = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy("car", "sedan", days: 7, key: "k"))
            #expect(first.status == .ok && again.status == .ok)
            #expect(first.body == again.body)
            let other = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy("vip", "silver", days: 30, key: "k"))
            #expect(other.status == .conflict)
            #expect(try other.json(ErrorBody.self).error == "idempotency_conflict")
        }
        let results = try await withThrowingTaskGroup(of: PrivilegePurchase.self) { group in
            for _ in 0..<16 {
                group.addTask { try await e.engine.privileges.purchase(buyer: "v1", PurchaseRequest(product: "vip", tier: "gold", days: 30, idempotencyKey: "same")) }
            }
            return try await group.reduce(into: [PrivilegePurchase]()) { $0.append($1) }
        }
        #expect(Set(results.map(\.purchaseID)).count == 1 && Set(results.map(\.balanceCoins)).count == 1)
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 100_000 - 70 - 900)
        let bought = try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'privilege_bought'") }
        #expect(bought == 2)
    }

    @Test("bad purchases are 4xx JSON and move nothing")
    func badPurchases() async throws {
        let (e, _) = try await S.host()
        let v2 = try e.token(.viewer, user: "v2")
        let s1 = try e.token(.streamer, user: "s1")
        let cases: [(ByteBuffer, HTTPResponse.Status, String)] = [
            (S.buy("vip", "gold", days: 30, key: "a"), .unprocessableContent, "insufficient_funds"),
            (S.buy("nope", "gold", days: 30, key: "a"), .notFound, "product_not_found"),
            (S.buy("vip", "platinum", days: 30, key: "a"), .notFound, "tier_not_found"),
            (S.buy("vip", "silver", days: 31, key: "a"), .badRequest, "unknown_duration"),
            (S.buy("vip", "silver", days: 0, key: "a"), .badRequest, "invalid_days"),
            (S.buy("vip", "silver", days: 3651, key: "a"), .badRequest, "invalid_days"),
            (S.buy("guard", "captain", days: 30, key: "a"), .badRequest, "invalid_streamer_id"),
            (S.buy("vip", "silver", days: 30, key: "a", streamer: "s1"), .badRequest, "invalid_streamer_id"),
            (S.buy("guard", "captain", days: 30, key: "a", streamer: "bad id"), .badRequest, "invalid_streamer_id"),
            (S.buy("vip", "silver", days: 30, key: "with space"), .badRequest, "invalid_idempotency_key"),
            (S.buy("vip", "silver", days: 30, key: ""), .badRequest, "invalid_idempotency_key"),
            (jsonBody(#"{"product":"vip","tier":"silver","days":30}"#), .badRequest, "invalid_field"),
            (jsonBody(#"{"product":"vip","tier":"silver","days":30.5,"idempotency_key":"a"}"#), .badRequest, "invalid_field"),
            (jsonBody(#"{"product":"vip","tier":"silver","days":99999999999999999999,"idempotency_key":"a"}"#), .badRequest, "invalid_field"),
            (jsonBody(#"{"product":"vip","tier":"silver","days":30,"idempotency_key":"a","coupon":"x"}"#), .badRequest, "unknown_field"),
        ]
        try await e.test { client in
            for (body, status, code) in cases {
                let r = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v2), body: body)
                #expect(r.status == status, "\(String(buffer: body))")
                #expect(try r.json(ErrorBody.self).error == code, "\(String(buffer: body))")
            }
            let own = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(s1), body: S.buy("guard", "captain", days: 30, key: "g", streamer: "s1"))
            #expect(own.status == .conflict)
            #expect(try own.json(ErrorBody.self).error == "cannot_guard_self")
        }
        #expect(try await e.engine.ledger.balances(user: "v2")["coins"] == 100)
        let rows = try await e.engine.store.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM privileges") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM privilege_purchases") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type LIKE 'privilege%'") ?? -1)
        }
        #expect(rows == (0, 0, 0))
    }

    @Test("a guard pays the streamer its share as revenue and shows in that streamer's rooms only")
    func guards() async throws {
        let (e, _) = try await S.host()
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let g = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy("guard", "captain", days: 30, key: "g", streamer: "s1")).json(Purchase.self)
            #expect(g.charged_coins == 1980 && g.streamer_share_coins == 990)
            let inRoom = try await client.execute(uri: "/v1/users/v1/privileges?streamer_id=s1", method: .get, headers: bearer(v)).json(Holdings.self)
            #expect(inRoom.shows.`guard` == "captain" && inRoom.shows.badge == "captain")
            #expect(inRoom.privileges.map(\.streamer_id) == ["s1"])
            let elsewhere = try await client.execute(uri: "/v1/users/v1/privileges?streamer_id=s2", method: .get, headers: bearer(v)).json(Holdings.self)
            #expect(elsewhere.shows == Shows())
            let bad = try await client.execute(uri: "/v1/users/v1/privileges?streamer_id=a%20b", method: .get, headers: bearer(v))
            #expect(bad.status == .badRequest)
        }
        #expect(try await e.engine.ledger.balance(.user("s1", "revenue")) == 990)
        #expect(try await e.engine.ledger.balance(.system(.platformFees, "coins")) == 990)
        let shown = await PrivilegeShowcase(privileges: e.engine.privileges, rooms: e.engine.rooms).privileges(userID: "v1", room: "r1")
        #expect(shown.guardTier == "captain")
        // A higher tier includes what the lower ones give: the admiral has no badge of its own
        // and shows the captain's, with its own entry effect; the governor inherits both.
        let up = try await e.engine.privileges.purchase(buyer: "v1", PurchaseRequest(product: "guard", tier: "admiral", days: 30, streamerID: "s1", idempotencyKey: "up"))
        #expect(up.action == .upgrade)
        let admiral = await e.engine.privileges.shown(user: "v1", streamer: "s1")
        #expect(admiral.badge == "captain" && admiral.entryEffect == "admiral-fleet" && admiral.guardTier == "admiral")
        let product = try await e.engine.privileges.product(id: "guard")
        #expect(product.shows(rank: 3) == ("captain", "admiral-fleet", nil) && product.shows(rank: 0) == (nil, nil, nil))
        #expect(product.shows(rank: 4) == (nil, nil, nil))
    }

    @Test("one resolver: badge and entry effect by product priority across lines; VIP from the top line")
    func priority() async throws {
        let (e, _) = try await S.host()
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            for (p, t, d, k) in [("vip", "gold", 30, "a"), ("noble", "knight", 30, "b"), ("car", "sedan", 7, "c")] {
                let r = try await client.execute(uri: "/v1/privileges/purchases", method: .post, headers: bearer(v), body: S.buy(p, t, days: d, key: k))
                #expect(r.status == .ok)
            }
            let h = try await client.execute(uri: "/v1/users/v1/privileges", method: .get, headers: bearer(v)).json(Holdings.self)
            #expect(h.privileges.map(\.product) == ["noble", "vip", "car"])
            #expect(h.shows == Shows(badge: "knight", entry_effect: "gold-rain", vehicle: "sedan", vip: 1, vip_line: "noble", vip_tier: "knight"))
        }
    }

    @Test("expiry is exact to the millisecond on every read, and the sweep journals it once")
    func expiry() async throws {
        let (e, clock) = try await S.host()
        let v = try e.token(.viewer, user: "v1")
        let p = try await e.engine.privileges.purchase(buyer: "v1", PurchaseRequest(product: "car", tier: "sedan", days: 7, idempotencyKey: "a"))
        try await e.test { client in
            clock.advance(byMillis: p.expiresAt - clock.nowMillis() - 1)
            #expect(try await e.engine.privileges.sweepExpired() == 0)
            let before = try await client.execute(uri: "/v1/users/v1/privileges", method: .get, headers: bearer(v)).json(Holdings.self)
            #expect(before.shows.vehicle == "sedan" && before.privileges.count == 1)
            clock.advance(byMillis: 1)
            let after = try await client.execute(uri: "/v1/users/v1/privileges", method: .get, headers: bearer(v)).json(Holdings.self)
            #expect(after.shows == Shows() && after.privileges.isEmpty)
        }
        #expect(try await e.engine.privileges.sweepExpired() == 1)
        #expect(try await e.engine.privileges.sweepExpired() == 0)
        let facts = try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type = 'privilege_expired'")
        }
        #expect(facts.count == 1 && facts[0].contains(#""expired_at":\#(p.expiresAt)"#))
        // Bought again after the end: a new period from now.
        let again = try await e.engine.privileges.purchase(buyer: "v1", PurchaseRequest(product: "car", tier: "sedan", days: 7, idempotencyKey: "b"))
        #expect(again.action == .new && again.startsAt == clock.nowMillis())
    }

    @Test("a purchase after an unswept end journals the expiry first; a guard's buyer gets the script's tickets")
    func scripts() async throws {
        let welcome = try String(contentsOfFile: ScriptPaths.shipped + "/activities/guard_welcome.lua", encoding: .utf8)
        let (e, clock) = try await S.host(scripts: ["activities/guard_welcome.lua": welcome])
        let p = try await e.engine.privileges.purchase(buyer: "v1", PurchaseRequest(product: "guard", tier: "admiral", days: 30, streamerID: "s1", idempotencyKey: "a"))
        clock.advance(byMillis: p.expiresAt - clock.nowMillis())
        _ = try await e.engine.privileges.purchase(buyer: "v1", PurchaseRequest(product: "guard", tier: "captain", days: 30, streamerID: "s1", idempotencyKey: "b"))
        for _ in 0..<4 { _ = try await e.engine.consumers.drain() }
        let types = try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT type FROM journal WHERE type LIKE 'privilege%' ORDER BY offset")
        }
        #expect(types == ["privilege_bought", "privilege_expired", "privilege_bought"])
        #expect(try await e.engine.ledger.balance(.user("v1", "tickets")) == 3 * 30 + 1 * 30)
    }
}

@Suite("Fan medals")
struct FanMedalTests {
    struct Medal: Decodable { let streamer_id: String; let level: Int64; let points: Int64; let today_points: Int64; let worn: Bool }
    struct Medals: Decodable { let medals: [Medal] }
    struct ErrorBody: Decodable { let error: String }

    @Test("gifts earn points through the shipped rule; a viewer wears one medal, shown with their privileges")
    func medals() async throws {
        let rule = try String(contentsOfFile: ScriptPaths.shipped + "/gifts/fan_medal.lua", encoding: .utf8)
        let e = try await moneyHost(scripts: ["gifts/fan_medal.lua": rule], coins: ["v1": 10_000])
        _ = try await e.engine.rooms.create(NewRoom(id: "r2", streamerID: "s2", title: "Room 2", category: "chat"))
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            for (room, key) in [("r1", "a"), ("r1", "b"), ("r2", "c")] {
                let r = try await client.execute(uri: "/v1/rooms/\(room)/gifts", method: .post, headers: bearer(v), body: send("box", count: 3, key: key))
                #expect(r.status == .ok)
            }
            for _ in 0..<4 { _ = try await e.engine.consumers.drain() }
            let m = try await client.execute(uri: "/v1/streamers/s1/fans/v1", method: .get, headers: bearer(v)).json(Medal.self)
            #expect(m.points == 600 && m.level == 4 && m.today_points == 600 && !m.worn)
            let none = try await client.execute(uri: "/v1/streamers/s3/fans/v1", method: .get, headers: bearer(v))
            #expect(none.status == .notFound)
            #expect(try none.json(ErrorBody.self).error == "medal_not_found")
            let cant = try await client.execute(uri: "/v1/users/me/medal", method: .put, headers: bearer(v), body: jsonBody(#"{"streamer_id":"s3"}"#))
            #expect(cant.status == .notFound)
            let badID = try await client.execute(uri: "/v1/users/me/medal", method: .put, headers: bearer(v), body: jsonBody(#"{"streamer_id":"a b"}"#))
            #expect(badID.status == .badRequest)
            let worn = try await client.execute(uri: "/v1/users/me/medal", method: .put, headers: bearer(v), body: jsonBody(#"{"streamer_id":"s2"}"#)).json(Medal.self)
            #expect(worn.worn && worn.streamer_id == "s2")
            let list = try await client.execute(uri: "/v1/users/me/medals", method: .get, headers: bearer(v)).json(Medals.self)
            #expect(list.medals.map(\.streamer_id) == ["s1", "s2"] && list.medals.map(\.worn) == [false, true])
            let badLimit = try await client.execute(uri: "/v1/users/me/medals?limit=0", method: .get, headers: bearer(v))
            #expect(badLimit.status == .badRequest)
            struct Holdings: Decodable { let shows: PrivilegeTests.Shows }
            let shows = try await client.execute(uri: "/v1/users/v1/privileges", method: .get, headers: bearer(v)).json(Holdings.self).shows
            #expect(shows.medal == .init(streamer_id: "s2", level: 3))
            let off = try await client.execute(uri: "/v1/users/me/medal", method: .delete, headers: bearer(v))
            #expect(off.status == .ok)
            let after = try await client.execute(uri: "/v1/users/v1/privileges", method: .get, headers: bearer(v)).json(Holdings.self).shows
            #expect(after.medal == nil)
        }
    }
}

/// The repository's shipped scripts.
enum ScriptPaths {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts").path
}

@Suite("Privileges in rooms")
struct PrivilegeRoomTests {
    @Test("a guard's entry carries what they show and is announced; their danmaku carry the badge; others show nothing")
    func enterAndDanmaku() async throws {
        let rt = try await RealtimeHost(privileges: { store, rooms in
            let ledger = Ledger(store: store, configuration: .standard)
            let privileges = Privileges(store: store, ledger: ledger)
            _ = try await privileges.put(id: "guard", try JSONDecoder().decode(PrivilegeProductEdit.self, from: Data(PrivilegeSamples.guardProduct.utf8)))
            _ = try await ledger.transfer([TransferRequest(id: "seed", debit: .system(.promotions, "coins"), credit: .user("alice", "coins"),
                asset: "coins", amount: 5_000, code: "seed")])
            _ = try await privileges.purchase(buyer: "alice", PurchaseRequest(product: "guard", tier: "captain", days: 30, streamerID: "s1", idempotencyKey: "k"))
            return PrivilegeShowcase(privileges: privileges, rooms: rooms)
        })
        let ta = try rt.token("alice")
        let tb = try rt.token("bob")
        let watcher = Inbox()
        let alice = Inbox()
        _ = try await rt.live { client in
            try await client.session("/v1/rooms/r1/ws?token=\(tb)", inbox: watcher) { out in
                try await client.session("/v1/rooms/r1/ws?token=\(ta)", inbox: alice) { aout in
                    try await aout.write(danmakuFrame("hi"))
                    try await watcher.wait("alice's danmaku") { $0.danmaku == ["hi"] }
                }
                try await out.write(danmakuFrame("yo"))
                try await watcher.wait("bob's danmaku") { $0.danmaku == ["hi", "yo"] }
            }
        }
        let enter = watcher.all("enter").first { $0.data?.user_id == "alice" }
        #expect(enter?.data?.privileges == Frame.Shown(badge: "captain", guard: "captain"))
        let notice = watcher.all("notice").first { $0.data?.kind == "guard_arrival" }
        #expect(notice?.data?.user_id == "alice" && notice?.data?.text == "captain alice has arrived")
        let said = watcher.all("danmaku")
        #expect(said.first?.data?.shows == Frame.Shown(badge: "captain", guard: "captain"))
        #expect(said.last?.data?.shows == nil)
    }

    @Test("leaderboard pages carry what ranked members show")
    func leaderboardPage() async throws {
        let board = """
            return activity {
              id = "buyers", leaderboards = { spend = { order = "desc" } },
              on = { privilege_bought = function(ctx, p) ctx.leaderboard("spend"):add(p.buyer_id, p.charged_coins) end },
            }
            """
        let (e, _) = try await PrivilegeSamples.host(scripts: ["activities/buyers.lua": board])
        _ = try await e.engine.privileges.purchase(buyer: "v1", PurchaseRequest(product: "vip", tier: "gold", days: 30, idempotencyKey: "a"))
        _ = try await e.engine.privileges.purchase(buyer: "v2", PurchaseRequest(product: "car", tier: "sedan", days: 7, idempotencyKey: "a"))
        for _ in 0..<4 { _ = try await e.engine.consumers.drain() }
        let v = try e.token(.viewer, user: "v1")
        struct Page: Decodable {
            struct Row: Decodable { let member: String }
            let rows: [Row]
            let shows: [String: PrivilegeTests.Shows]
        }
        try await e.test { client in
            let page = try await client.execute(uri: "/v1/activities/buyers/leaderboards/spend", method: .get, headers: bearer(v)).json(Page.self)
            #expect(page.rows.map(\.member) == ["v1", "v2"])
            #expect(page.shows["v1"] == PrivilegeTests.Shows(badge: "vip-gold", entry_effect: "gold-rain", vip: 2, vip_line: "vip", vip_tier: "gold"))
            #expect(page.shows["v2"] == PrivilegeTests.Shows(vehicle: "sedan"))
        }
    }
}
