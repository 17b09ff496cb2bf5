@testable import Books
import Engine
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import Rooms
import Synchronization
import Testing
@testable import Host

/// A test bed for orders: the shipped machine (or another), a streamer `s1` with a room, viewers
/// `v1`, `v2` with tickets, an operator.
struct OrderBed {
    let e: EngineHost
    let clock: ManualClock

    static var shippedMachine: String {
        (try? String(contentsOf: repositoryRoot().appendingPathComponent("Scripts/orders/help_me_play.lua"), encoding: .utf8)) ?? ""
    }

    init(machine: String = OrderBed.shippedMachine, tickets: Int64 = 10_000) async throws {
        clock = ManualClock()
        e = try await EngineHost(scripts: ["orders/help_me_play.lua": machine], clock: clock)
        _ = try await e.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "games"))
        for user in ["v1", "v2"] where tickets > 0 {
            _ = try await e.engine.ledger.transfer([TransferRequest(
                id: "seed:\(user)", debit: .system(.promotions, "tickets"), credit: .user(user, "tickets"), asset: "tickets",
                amount: tickets, code: "seed")])
        }
    }

    struct OrderJ: Decodable, Equatable {
        let id: Int64; let state: String; let version: Int64; let final: Bool; let settled: String?; let hold_id: String
        let due_at: Int64?; let code: Int64; let external: String; let generation: String; let entered_at: Int64
    }
    struct ChangeJ: Decodable {
        let action: String; let actor: String; let from: String?; let to: String; let forced: Bool; let reason: String?
        let hook_error: String?; let revenue: Int64?; let fee: Int64?; let version: Int64
    }
    struct ResultJ: Decodable { let order: OrderJ; let change: ChangeJ }
    struct ErrorJ: Decodable { let error: String; let message: String; let state: String? }
    struct GoodJ: Decodable { let id: Int64 }

    var s: String { get throws { try e.token(.streamer, user: "s1") } }
    var v1: String { get throws { try e.token(.viewer, user: "v1") } }
    var v2: String { get throws { try e.token(.viewer, user: "v2") } }
    var ops: String { get throws { try e.token(.operator, user: "ops") } }

    func good(_ client: any TestClientProtocol, price: Int64 = 100, stock: Int64? = nil, extra: String = "") async throws -> Int64 {
        let stockField = stock.map { #","stock":\#($0)"# } ?? ""
        let r = try await client.execute(
            uri: "/v1/streamers/me/goods", method: .post, headers: bearer(try s),
            body: jsonBody(#"{"title":"Ranked duo","game":"chess","region":"eu","price_tickets":\#(price),"details":"two hours"\#(stockField)\#(extra)}"#))
        #expect(r.status == .created)
        return try r.json(GoodJ.self).id
    }

    func order(_ client: any TestClientProtocol, goods: Int64, token: String? = nil, key: String = UUID().uuidString) async throws -> TestResponse {
        try await client.execute(
            uri: "/v1/orders", method: .post, headers: bearer(try token ?? v1), body: jsonBody(#"{"goods_id":\#(goods),"idempotency_key":"\#(key)"}"#))
    }

    func act(_ client: any TestClientProtocol, _ id: Int64, _ action: String, token: String, key: String = UUID().uuidString) async throws
        -> TestResponse
    {
        try await client.execute(
            uri: "/v1/orders/\(id)/actions/\(action)", method: .post, headers: bearer(token), body: jsonBody(#"{"idempotency_key":"\#(key)"}"#))
    }

    func tickets(_ user: String) async throws -> (balance: Int64, available: Int64) {
        (try await e.engine.ledger.balance(.user(user, "tickets")), try await e.engine.ledger.available(.user(user, "tickets")))
    }

    func changes() async throws -> [OrderChanged] {
        try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type = 'order_changed' ORDER BY offset")
        }.map { try JSONDecoder().decode(OrderChanged.self, from: Data($0.utf8)) }
    }

    func expectReconciled(_ comment: Comment? = nil) async throws {
        let r = try await e.engine.orders.reconcile()
        #expect(r.isClean, "\(r.violations) \(comment?.rawValue ?? "")")
        let (ledger, gifts) = try await e.engine.ledger.reconcile()
        #expect(ledger.isClean && gifts.isEmpty)
    }
}

@Suite("Help me play orders")
struct OrderTests {
    @Test("an order's life: held on creation, accepted, delivered, confirmed; posted less the fee; notices, frames, idempotent retries")
    func lifecycle() async throws {
        let b = try await OrderBed()
        try await b.e.test { client in
            let goods = try await b.good(client, price: 100, stock: 2)
            let before = b.e.engine.bus.position(room: "r1")
            let sockets = NotificationTests.Sockets()
            b.e.engine.users.attach(sockets)
            let made = try await b.order(client, goods: goods, key: "k1")
            #expect(made.status == .created)
            let created = try made.json(OrderBed.ResultJ.self)
            #expect(created.order.state == "paid" && created.order.code == 10 && created.order.external == "pending")
            #expect(created.order.due_at == b.clock.nowMillis() + 24 * 3_600_000)
            #expect(try await b.tickets("v1") == (10_000, 9_900))
            // The same key and body: the first answer, byte for byte; no second hold.
            let again = try await b.order(client, goods: goods, key: "k1")
            #expect(again.body == made.body)
            #expect(try await b.tickets("v1") == (10_000, 9_900))
            #expect(try await b.order(client, goods: goods + 1_000, key: "k1").status == .conflict)
            let id = created.order.id
            #expect(try await b.act(client, id, "accept", token: try b.s, key: "a").status == .ok)
            #expect(try await b.act(client, id, "deliver", token: try b.s).status == .ok)
            let confirm = try await b.act(client, id, "confirm", token: try b.v1, key: "c")
            #expect(confirm.status == .ok)
            let done = try confirm.json(OrderBed.ResultJ.self)
            #expect(done.order.state == "completed" && done.order.final && done.order.settled == "post")
            #expect(done.change.revenue == 80 && done.change.fee == 20 && done.change.actor == "viewer")
            #expect(try await b.act(client, id, "confirm", token: try b.v1, key: "c").body == confirm.body)
            let conflict = try await b.act(client, id, "cancel", token: try b.v1, key: "c")
            #expect(conflict.status == .conflict)
            #expect(try conflict.json(OrderBed.ErrorJ.self).error == "idempotency_conflict")
            #expect(try await b.tickets("v1") == (9_900, 9_900))
            #expect(try await b.e.engine.ledger.balance(.user("s1", "revenue")) == 80)
            #expect(try await b.e.engine.ledger.balance(.system(.platformFees, "tickets")) == 20)
            // Everyone hears: the streamer of the new order, the viewer of the streamer's steps.
            for _ in 0..<3 { _ = try await b.e.engine.consumers.drain() }
            struct Note: Decodable { let text: String }
            struct Page: Decodable { let notifications: [Note] }
            let viewerNotes = try await client.execute(uri: "/v1/notifications", method: .get, headers: bearer(try b.v1)).json(Page.self)
            #expect(Set(viewerNotes.notifications.map(\.text)) == ["Accepted", "Please confirm"])
            let streamerNotes = try await client.execute(uri: "/v1/notifications", method: .get, headers: bearer(try b.s)).json(Page.self)
            #expect(Set(streamerNotes.notifications.map(\.text)) == ["New order", "Paid"])
            let frames = try await b.e.engine.store.read { db in
                try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type = 'order_frame' ORDER BY offset")
            }
            #expect(frames.count == 2 && frames.allSatisfy { $0.contains(#""room":"r1""#) && $0.contains(#""order_id":\#(id)"#) })
            // The room-events consumer published them to the room as `order` frames.
            guard case .events(let published) = b.e.engine.bus.since(room: "r1", cursor: before) else {
                Issue.record("the room's history lost the frames")
                return
            }
            #expect(published.filter { $0.type == .order }.count == 2)
            // Every change reached both parties' sockets live (kind "order"), besides the notices.
            let pushes = sockets.frames.withLock { $0 }.filter { $0.1.contains(#""kind":"order""#) }
            #expect(pushes.filter { $0.0 == "v1" }.count == 4 && pushes.filter { $0.0 == "s1" }.count == 4)
            #expect(pushes.last?.1.contains(#""state":"completed""#) == true)
            let seen = try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: bearer(try b.s)).json(OrderBed.OrderJ.self)
            #expect(seen == done.order)
            // The earnings consumer counted the order's revenue under `orders`: totals equal the ledger's.
            #expect(try await b.e.engine.earnings.reconcile().isEmpty)
            let changes = try await b.changes()
            #expect(changes.map(\.change.action) == ["create", "accept", "deliver", "confirm"])
            #expect(changes.allSatisfy { $0.change.hookError == nil })
            try await b.expectReconciled()
        }
    }

    @Test("every action from every state by every actor: allowed moves, 403 for the wrong actor, 409 with the state, 404 for strangers")
    func matrix() async throws {
        let b = try await OrderBed()
        let paths: [String: [(String, String)]] = [
            "paid": [], "accepted": [("accept", "s")], "delivered": [("accept", "s"), ("deliver", "s")],
            "completed": [("accept", "s"), ("deliver", "s"), ("confirm", "v")], "cancelled": [("cancel", "v")],
        ]
        let machine = try b.e.engine.orders.currentMachine()
        try await b.e.test { client in
            let goods = try await b.good(client, price: 10)
            let tokens = ["viewer": try b.v1, "streamer": try b.s, "operator": try b.ops, "stranger": try b.v2]
            for (state, path) in paths.sorted(by: { $0.key < $1.key }) {
                for action in machine.transitions.keys.sorted() {
                    for actor in tokens.keys.sorted() {
                        let id = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order.id
                        for (step, who) in path {
                            #expect(try await b.act(client, id, step, token: who == "s" ? try b.s : try b.v1).status == .ok)
                        }
                        let t = machine.transitions[action]!
                        let r = try await b.act(client, id, action, token: tokens[actor]!)
                        let label = "\(action) by \(actor) from \(state)"
                        if actor == "stranger" {
                            #expect(r.status == .notFound, "\(label)")
                        } else if !t.by.contains(OrderActor(rawValue: actor)!) {
                            #expect(r.status == .forbidden, "\(label)")
                            #expect(try r.json(OrderBed.ErrorJ.self).error == "actor_not_allowed")
                        } else if t.from.contains(state) {
                            #expect(r.status == .ok, "\(label)")
                            #expect(try r.json(OrderBed.ResultJ.self).order.state == t.to, "\(label)")
                        } else {
                            #expect(r.status == .conflict, "\(label)")
                            let error = try r.json(OrderBed.ErrorJ.self)
                            #expect(error.error == "order_state_conflict" && error.state == state, "\(label)")
                        }
                    }
                }
            }
            let unknown = try await b.act(client, 1, "teleport", token: try b.v1)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json(OrderBed.ErrorJ.self).error == "unknown_action")
            try await b.expectReconciled()
        }
    }

    @Test("races: cancel against accept, two confirms, a timeout against a confirm, two buyers of the last unit: one wins, money moves once")
    func races() async throws {
        // Cancel only from paid, so cancel and accept exclude each other.
        let machine = OrderBed.shippedMachine.replacingOccurrences(
            of: #"cancel  = { from = { "paid", "accepted" }"#, with: #"cancel  = { from = { "paid" }"#)
        let b = try await OrderBed(machine: machine)
        try await b.e.test { client in
            let goods = try await b.good(client, price: 10)
            for round in 0..<8 {
                let id = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order.id
                let v1 = try b.v1, s = try b.s
                async let cancel = b.act(client, id, "cancel", token: v1)
                async let accept = b.act(client, id, "accept", token: s)
                let statuses = [try await cancel.status, try await accept.status]
                #expect(statuses.filter { $0 == .ok }.count == 1 && statuses.filter { $0 == .conflict }.count == 1, "round \(round)")
                // Two confirms.
                let id2 = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order.id
                _ = try await b.act(client, id2, "accept", token: s)
                _ = try await b.act(client, id2, "deliver", token: s)
                async let c1 = b.act(client, id2, "confirm", token: v1)
                async let c2 = b.act(client, id2, "confirm", token: v1)
                let confirms = [try await c1.status, try await c2.status]
                #expect(confirms.sorted { $0.code < $1.code } == [.ok, .conflict], "round \(round)")
            }
            // A timeout against a confirm: once due, the timeout happened first, whoever asks.
            let id3 = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order.id
            _ = try await b.act(client, id3, "accept", token: try b.s)
            _ = try await b.act(client, id3, "deliver", token: try b.s)
            b.clock.advance(byMillis: 72 * 3_600_000)
            let orders = b.e.engine.orders
            async let sweep = orders.sweep()
            async let confirm = b.act(client, id3, "confirm", token: try b.v1)
            _ = try await sweep
            let late = try await confirm
            #expect(late.status == .conflict)
            #expect(try late.json(OrderBed.ErrorJ.self).state == "completed")
            let completions = try await b.changes().filter { $0.change.orderID == id3 && $0.change.to == "completed" }
            #expect(completions.count == 1 && completions[0].change.actor == .system)
            // Two buyers of the last unit.
            let last = try await b.good(client, price: 10, stock: 1)
            let v1 = try b.v1, v2 = try b.v2
            async let buy1 = b.order(client, goods: last, token: v1)
            async let buy2 = b.order(client, goods: last, token: v2)
            let buys = [try await buy1, try await buy2]
            #expect(buys.map(\.status).sorted { $0.code < $1.code } == [.created, .conflict])
            #expect(try buys.first { $0.status == .conflict }!.json(OrderBed.ErrorJ.self).error == "out_of_stock")
            var held: Int64 = 0
            for user in ["v1", "v2"] {
                let t = try await b.tickets(user)
                held += t.balance - t.available
            }
            #expect(held == (try await b.e.engine.orders.reconcile().open))
            try await b.expectReconciled()
        }
    }

    @Test("timeouts fire as system on the injected clock: on read before the sweeper, chained by the time each was due; a void returns the unit")
    func timeouts() async throws {
        let machine = """
            return order_machine {
              id = "help-me-play", initial = "a",
              states = {
                a = { code = 1, external = "a" }, b = { code = 2, external = "b" }, c = { code = 3, external = "c" },
                done = { code = 4, external = "done", final = true, settle = "post" },
                gone = { code = 5, external = "gone", final = true, settle = "void" },
              },
              transitions = {
                next = { from = { "a" }, to = "b", by = { "system" } },
                more = { from = { "b" }, to = "c", by = { "system" } },
                drop = { from = { "a", "b", "c" }, to = "gone", by = { "viewer", "system" } },
                finish = { from = { "c" }, to = "done", by = { "viewer" } },
              },
              timeouts = { a = { after = "1h", fire = "next" }, b = { after = "1h", fire = "more" }, c = { after = "24h", fire = "drop" } },
            }
            """
        let b = try await OrderBed(machine: machine)
        try await b.e.test { client in
            let goods = try await b.good(client, price: 50, stock: 1)
            let start = b.clock.nowMillis()
            let id = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order.id
            b.clock.advance(byMillis: 3 * 3_600_000)
            let seen = try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: bearer(try b.v1)).json(OrderBed.OrderJ.self)
            #expect(seen.state == "c" && seen.entered_at == start + 2 * 3_600_000 && seen.due_at == start + 26 * 3_600_000)
            let changes = try await b.changes().filter { $0.change.orderID == id }
            #expect(changes.map(\.change.actor) == [.viewer, .system, .system])
            #expect(changes.map(\.change.at) == [start, start + 3_600_000, start + 2 * 3_600_000])
            b.clock.advance(byMillis: 24 * 3_600_000)
            #expect(try await b.e.engine.orders.sweep() == 1)
            let gone = try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: bearer(try b.v1)).json(OrderBed.OrderJ.self)
            #expect(gone.state == "gone" && gone.settled == "void")
            #expect(try await b.tickets("v1") == (10_000, 10_000))
            // The unit came back: another order may take it.
            #expect(try await b.order(client, goods: goods, token: try b.v2).status == .created)
            try await b.expectReconciled()
        }
    }

    @Test("a hold outlives the ledger's longest pending timeout: renewed before it ends, never free in between")
    func holdRenewal() async throws {
        let b = try await OrderBed()
        try await b.e.test { client in
            let goods = try await b.good(client, price: 100)
            let id = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order.id
            _ = try await b.act(client, id, "accept", token: try b.s)
            for round in 1...3 {
                b.clock.advance(byMillis: 24 * 86_400_000)
                #expect(try await b.e.engine.orders.sweep() == 1, "round \(round)")
                #expect(try await b.e.engine.orders.sweep() == 0, "round \(round)")
                #expect(try await b.tickets("v1") == (10_000, 9_900))
                try await b.expectReconciled("round \(round)")
            }
            let o = try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: bearer(try b.v1)).json(OrderBed.OrderJ.self)
            #expect(o.hold_id == "order:\(id):hold:4" && o.state == "accepted")
            _ = try await b.act(client, id, "deliver", token: try b.s)
            #expect(try await b.act(client, id, "confirm", token: try b.v1).status == .ok)
            #expect(try await b.tickets("v1") == (9_900, 9_900))
            try await b.expectReconciled()
        }
    }

    @Test("operators force a transition with a reason, journaled with who and why, and list by state, streamer, viewer and age")
    func operators() async throws {
        let b = try await OrderBed()
        try await b.e.test { client in
            let goods = try await b.good(client, price: 100)
            let first = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order.id
            b.clock.advance(byMillis: 3_600_000)
            let second = try await b.order(client, goods: goods, token: try b.v2).json(OrderBed.ResultJ.self).order.id
            _ = try await b.act(client, second, "accept", token: try b.s)
            struct PageJ: Decodable { let orders: [OrderBed.OrderJ]; let next_cursor: String? }
            func ids(_ query: String) async throws -> [Int64] {
                try await client.execute(uri: "/v1/admin/orders\(query)", method: .get, headers: bearer(try b.ops)).json(PageJ.self).orders.map(\.id)
            }
            #expect(try await ids("") == [first, second])
            #expect(try await ids("?state=accepted") == [second])
            #expect(try await ids("?viewer_id=v1") == [first])
            #expect(try await ids("?streamer_id=s1&min_age_seconds=1800") == [first])
            let paged = try await client.execute(uri: "/v1/admin/orders?limit=1", method: .get, headers: bearer(try b.ops)).json(PageJ.self)
            #expect(paged.orders.map(\.id) == [first] && paged.next_cursor == String(first))
            #expect(try await ids("?limit=1&cursor=\(first)") == [second])
            for bad in ["?limit=0", "?limit=201", "?cursor=x", "?min_age_seconds=-1", "?viewer_id=%20", "?state=A%20B", "?min_age_seconds=99999999999999"] {
                #expect(try await client.execute(uri: "/v1/admin/orders\(bad)", method: .get, headers: bearer(try b.ops)).status == .badRequest, "\(bad)")
            }
            #expect(try await client.execute(uri: "/v1/admin/orders", method: .get, headers: bearer(try b.v1)).status == .forbidden)
            let mine = try await client.execute(uri: "/v1/orders?as=streamer", method: .get, headers: bearer(try b.s)).json(PageJ.self)
            #expect(mine.orders.map(\.id) == [first, second])
            #expect(try await client.execute(uri: "/v1/orders", method: .get, headers: bearer(try b.v2)).json(PageJ.self).orders.map(\.id) == [second])
            #expect(try await client.execute(uri: "/v1/orders?as=other", method: .get, headers: bearer(try b.v2)).status == .badRequest)

            let forced = try await client.execute(
                uri: "/v1/admin/orders/\(second)/force", method: .post, headers: bearer(try b.ops),
                body: jsonBody(#"{"to":"completed","reason":"delivered on stream, viewer unreachable","idempotency_key":"f1"}"#))
            #expect(forced.status == .ok)
            let r = try forced.json(OrderBed.ResultJ.self)
            #expect(r.change.forced && r.change.actor == "operator" && r.change.reason == "delivered on stream, viewer unreachable")
            #expect(r.order.settled == "post")
            let journaled = try await b.changes().last!.change
            #expect(journaled.actorID == "ops" && journaled.forced && journaled.action == "force")
            for (body, status, code) in [
                (#"{"to":"cancelled","reason":"again","idempotency_key":"f2"}"#, HTTPResponse.Status.conflict, "order_final"),
                (#"{"to":"nowhere","reason":"x","idempotency_key":"f3"}"#, .notFound, "unknown_state"),
                (#"{"to":"cancelled","idempotency_key":"f4"}"#, .badRequest, "invalid_reason"),
                (#"{"reason":"x","idempotency_key":"f5"}"#, .badRequest, "invalid_to"),
            ] {
                let x = try await client.execute(uri: "/v1/admin/orders/\(second)/force", method: .post, headers: bearer(try b.ops), body: jsonBody(body))
                #expect(x.status == status, "\(body)")
                #expect(try x.json(OrderBed.ErrorJ.self).error == code, "\(body)")
            }
            let byViewer = try await client.execute(
                uri: "/v1/admin/orders/\(first)/force", method: .post, headers: bearer(try b.v1),
                body: jsonBody(#"{"to":"completed","reason":"mine","idempotency_key":"f6"}"#))
            #expect(byViewer.status == .forbidden)
            try await b.expectReconciled()
        }
    }

    @Test("bad input: unknown goods, foreign orders, private offers, own goods, insufficient tickets, malformed bodies: JSON errors, nothing moved")
    func badInput() async throws {
        let b = try await OrderBed()
        try await b.e.test { client in
            let goods = try await b.good(client, price: 100, stock: 1)
            let expensive = try await b.good(client, price: 20_000, stock: 5)
            let offer = try await b.good(client, price: 10, extra: #","for_viewer":"v2","offer_expires_at":\#(b.clock.nowMillis() + 60_000)"#)
            let cases: [(String, String?, HTTPResponse.Status, String)] = [
                (#"{"goods_id":9999,"idempotency_key":"a"}"#, nil, .notFound, "goods_not_found"),
                (#"{"goods_id":\#(offer),"idempotency_key":"b"}"#, nil, .notFound, "goods_not_found"),
                (#"{"goods_id":\#(goods),"idempotency_key":"c"}"#, try b.s, .conflict, "cannot_order_own_goods"),
                (#"{"goods_id":\#(expensive),"idempotency_key":"d"}"#, nil, .unprocessableContent, "insufficient_funds"),
                (#"{"goods_id":\#(goods)}"#, nil, .badRequest, "invalid_field"),
                (#"{"goods_id":\#(goods),"idempotency_key":""}"#, nil, .badRequest, "invalid_idempotency_key"),
                (#"{"goods_id":\#(goods),"idempotency_key":"has space"}"#, nil, .badRequest, "invalid_idempotency_key"),
                (#"{"goods_id":0,"idempotency_key":"e"}"#, nil, .badRequest, "invalid_goods_id"),
                (#"{"goods_id":"1","idempotency_key":"e"}"#, nil, .badRequest, "invalid_field"),
                (#"{"goods_id":99999999999999999999,"idempotency_key":"e"}"#, nil, .badRequest, "invalid_field"),
                (#"{"goods_id":\#(goods),"idempotency_key":"e","x":1}"#, nil, .badRequest, "unknown_field"),
                (#"[1]"#, nil, .badRequest, "malformed_json"),
                (#"{"goods_id":1,"goods_id":2,"idempotency_key":"e"}"#, nil, .badRequest, "duplicate_field"),
            ]
            for (body, token, status, code) in cases {
                let r = try await client.execute(uri: "/v1/orders", method: .post, headers: bearer(try token ?? b.v1), body: jsonBody(body))
                #expect(r.status == status, "\(body)")
                #expect(try r.json(OrderBed.ErrorJ.self).error == code, "\(body)")
            }
            #expect(try await b.tickets("v1") == (10_000, 10_000))
            #expect(try await b.e.engine.orders.reconcile().orders == 0)
            // The unit is still there, and the private offer goes to its viewer.
            #expect(try await b.order(client, goods: offer, token: try b.v2).status == .created)
            let id = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order.id
            #expect(try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: bearer(try b.v2)).status == .notFound)
            #expect(try await b.act(client, id, "cancel", token: try b.v2).status == .notFound)
            for (path, body, code) in [
                ("/v1/orders/0/actions/cancel", #"{"idempotency_key":"k"}"#, "invalid_id"),
                ("/v1/orders/abc/actions/cancel", #"{"idempotency_key":"k"}"#, "invalid_id"),
                ("/v1/orders/\(id)/actions/cancel", #"{}"#, "invalid_field"),
                ("/v1/orders/\(id)/actions/cancel", #"{"idempotency_key":"k","to":"completed"}"#, "invalid_to"),
                ("/v1/orders/\(id)/actions/cancel", #"{"idempotency_key":"k","reason":""}"#, "invalid_reason"),
                ("/v1/orders/\(id)/actions/cancel", #"{"idempotency_key":"k","why":"x"}"#, "unknown_field"),
            ] {
                let r = try await client.execute(uri: path, method: .post, headers: bearer(try b.v1), body: jsonBody(body))
                #expect(r.status == .badRequest, "\(path) \(body)")
                #expect(try r.json(OrderBed.ErrorJ.self).error == code, "\(path) \(body)")
            }
            #expect(try await client.execute(uri: "/v1/orders/99999", method: .get, headers: bearer(try b.v1)).status == .notFound)
            #expect(try await b.tickets("v1") == (10_000, 9_900))
            try await b.expectReconciled()
        }
    }

    @Test("an order keeps its machine's generation; a reload applies to new orders; its hook runs on its own generation")
    func generations() async throws {
        let b = try await OrderBed()
        try await b.e.test { client in
            let goods = try await b.good(client, price: 100)
            let old = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order
            // The next generation: accept goes straight to delivered, with other texts.
            let next = OrderBed.shippedMachine
                .replacingOccurrences(of: #"accept  = { from = { "paid" },      to = "accepted""#, with: #"accept  = { from = { "paid" },      to = "delivered""#)
                .replacingOccurrences(of: #"viewer = "Please confirm""#, with: #"viewer = "Confirm please (v2)""#)
            try b.e.folder.write(["orders/help_me_play.lua": next])
            #expect(await b.e.engine.scripts.reload(trigger: "test").ok)
            let fresh = try await b.order(client, goods: goods).json(OrderBed.ResultJ.self).order
            #expect(fresh.generation != old.generation)
            #expect(try await b.act(client, old.id, "accept", token: try b.s).json(OrderBed.ResultJ.self).order.state == "accepted")
            #expect(try await b.act(client, fresh.id, "accept", token: try b.s).json(OrderBed.ResultJ.self).order.state == "delivered")
            _ = try await b.act(client, old.id, "deliver", token: try b.s)
            for _ in 0..<3 { _ = try await b.e.engine.consumers.drain() }
            struct Note: Decodable { let text: String }
            struct Page: Decodable { let notifications: [Note] }
            let notes = try await client.execute(uri: "/v1/notifications", method: .get, headers: bearer(try b.v1)).json(Page.self)
            // The old order's hook ran on its own generation's texts; the new one's on the new.
            #expect(notes.notifications.map(\.text).filter { $0.contains("onfirm") }.sorted() == ["Confirm please (v2)", "Please confirm"])
            #expect(try await b.changes().allSatisfy { $0.change.hookError == nil })
            try await b.expectReconciled()
        }
    }

    @Test("a failing on_transition never blocks money: the change stands without the hook's effects and says why")
    func hookFailure() async throws {
        let machine = OrderBed.shippedMachine.replacingOccurrences(
            of: "on_transition = function(ctx, order, change)", with: "on_transition = function(ctx, order, change)\n    ctx.notify(order.viewer_id, 'x'); error('broken hook')")
        let b = try await OrderBed(machine: machine)
        try await b.e.test { client in
            let goods = try await b.good(client, price: 100)
            let r = try await b.order(client, goods: goods)
            #expect(r.status == .created)
            let made = try r.json(OrderBed.ResultJ.self)
            #expect(made.change.hook_error?.contains("broken hook") == true)
            #expect(try await b.act(client, made.order.id, "cancel", token: try b.v1).status == .ok)
            #expect(try await b.tickets("v1") == (10_000, 10_000))
            let notices = try await b.e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'notice'") }
            #expect(notices == 0)
            try await b.expectReconciled()
        }
    }

    @Test("the orders table is rebuilt from the order_changed and order_hold_renewed facts alone")
    func rebuild() async throws {
        let b = try await OrderBed()
        try await b.e.test { client in
            let goods = try await b.good(client, price: 30)
            for i in 0..<6 {
                let id = try await b.order(client, goods: goods, token: i % 2 == 0 ? try b.v1 : try b.v2).json(OrderBed.ResultJ.self).order.id
                if i % 3 >= 1 { _ = try await b.act(client, id, "accept", token: try b.s) }
                if i % 3 == 2 { _ = try await b.act(client, id, "deliver", token: try b.s) }
                if i == 5 { _ = try await b.act(client, id, "confirm", token: try b.v2) }
            }
            b.clock.advance(byMillis: 25 * 86_400_000)
            while try await b.e.engine.orders.sweep() > 0 {}
            let table = try await b.e.engine.orders.table()
            let rebuilt = try await b.e.engine.orders.rebuiltFromJournal()
            #expect(table.count == 6)
            #expect(rebuilt == table)
            #expect(table.contains { $0.state == "cancelled" } && table.contains { $0.state == "completed" } && table.contains { $0.holdID.hasSuffix(":hold:2") })
            try await b.expectReconciled()
        }
    }

    @Test("a draft is neither reviewed, listed nor orderable until an edit submits it")
    func drafts() async throws {
        let b = try await OrderBed()
        try await b.e.test { client in
            let body = #"{"title":"Coaching","game":"chess","region":"eu","price_tickets":40,"details":"one hour"}"#
            struct G: Decodable { let id: Int64; let state: String }
            let draft = try await client.execute(uri: "/v1/streamers/me/goods?draft=true", method: .post, headers: bearer(try b.s), body: jsonBody(body))
            #expect(draft.status == .created)
            let g = try draft.json(G.self)
            #expect(g.state == "draft")
            struct L: Decodable { let goods: [G] }
            #expect(try await client.execute(uri: "/v1/streamers/s1/goods", method: .get, headers: bearer(try b.v1)).json(L.self).goods.isEmpty)
            let refused = try await b.order(client, goods: g.id)
            #expect(refused.status == .notFound)
            #expect(try await client.execute(uri: "/v1/streamers/me/goods?draft=maybe", method: .post, headers: bearer(try b.s), body: jsonBody(body)).status == .badRequest)
            let submitted = try await client.execute(uri: "/v1/streamers/me/goods/\(g.id)", method: .put, headers: bearer(try b.s), body: jsonBody(body)).json(G.self)
            #expect(submitted.state == "listed")
            #expect(try await b.order(client, goods: g.id).status == .created)
        }
    }

    @Test("a viewer has at most the limit of open orders; a final one frees a place")
    func openLimit() async throws {
        let b = try await OrderBed(tickets: 1_000)
        try await b.e.test { client in
            let goods = try await b.good(client, price: 1)
            var first: Int64 = 0
            for i in 0..<OrderLimits.openPerViewerMax {
                let r = try await b.order(client, goods: goods)
                #expect(r.status == .created)
                if i == 0 { first = try r.json(OrderBed.ResultJ.self).order.id }
            }
            let over = try await b.order(client, goods: goods)
            #expect(over.status == .conflict)
            #expect(try over.json(OrderBed.ErrorJ.self).error == "too_many_open_orders")
            #expect(try await b.act(client, first, "cancel", token: try b.v1).status == .ok)
            #expect(try await b.order(client, goods: goods).status == .created)
            try await b.expectReconciled()
        }
    }
}
