@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import Rooms
@testable import Showrunner
@testable import Storage
import Testing
@testable import Host

/// An engine host wired like `serve` (engine and realtime routes) with rooms `r1` (streamer
/// `s1`) and `r2` (`s2`), the gift `rose`, coins for the given users and a manual clock.
struct NumberHost {
    let engineHost: EngineHost
    let clock: ManualClock
    let host: TestHost
    var engine: EngineParts { engineHost.engine }

    init(coins: [String: Int64] = [:], rooms: [String: String] = ["r1": "s1", "r2": "s2"]) async throws {
        clock = ManualClock(nowMillis: 1_700_000_000_000)
        engineHost = try await EngineHost(clock: clock)
        let engine = engineHost.engine
        for (id, streamer) in rooms {
            _ = try await engine.rooms.create(NewRoom(id: id, streamerID: streamer, title: "Room \(id)", category: "chat"))
        }
        _ = try await engine.gifts.put(id: "rose", GiftEdit(name: "Rose", priceCoins: 10, countMax: 100))
        for (user, amount) in coins {
            _ = try await engine.ledger.transfer([TransferRequest(
                id: "seed:\(user)", debit: .system(.promotions, "coins"), credit: .user(user, "coins"), asset: "coins",
                amount: amount, code: "seed")])
        }
        let realtime = try await Realtime.make(
            moderation: engine.moderationStore, journal: engine.journalStore, resolver: engine.resolver, signer: engineHost.host.signer, now: { testNow },
            metrics: engineHost.host.services.metricsFactory, bus: engine.bus, scripts: engine.scripts)
        var host = engineHost.host
        host.services.routeAreas.append(realtime.routes)
        self.host = host
    }

    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        defer { engineHost.folder.remove() }
        return try await host.test(body)
    }

    func token(_ role: Role, _ user: String) throws -> String { try host.token(role, user: user) }

    /// Every registered route whose path takes `{room}`, as `"METHOD /path"`.
    var roomRoutes: Set<String> {
        let router = buildRouter(host.config, services: host.services)
        // The room page (HTML) hands its segment to the API routes, which resolve numbers.
        return Set(router.routes.map { "\($0.method.rawValue) \($0.path)" }.filter { $0.contains("{room}") })
            .subtracting(ConsoleRoutes.pagePaths)
    }

    /// `(type, payload)` of the journal's room number facts, in order.
    func facts() async throws -> [String] {
        try await engine.store.read { db in
            try Row.fetchAll(db, sql: "SELECT type, payload FROM journal WHERE type LIKE 'room_number_%' ORDER BY offset")
                .map { "\($0[0] as String) \($0[1] as String)" }
        }
    }
}

/// A number's state as the API shows it.
struct NumberState: Decodable, Equatable {
    let number: String
    let room_id: String?
    let assigned_at: Int64?
    let frees_at: Int64?
    let price_coins: Int64?
}

/// A room as `GET /v1/rooms/{room}` shows it.
struct RoomShown: Decodable {
    let id: String
    let streamer_id: String
    let number: String?
}

func numberBody(_ number: String) -> ByteBuffer { jsonBody(#"{"number":"\#(number)"}"#) }
func buyBody(_ number: String, key: String) -> ByteBuffer { jsonBody(#"{"number":"\#(number)","idempotency_key":"\#(key)"}"#) }

@Suite("Vanity room numbers")
struct RoomNumberTests {
    static let day: Int64 = 86_400_000

    @Test("assign, assign again, reassign (the old number is released), release, release again")
    func assignReassignRelease() async throws {
        let h = try await NumberHost()
        let ops = try h.token(.operator, "ops-1")
        let v = try h.token(.viewer, "v1")
        let t0 = h.clock.nowMillis()
        try await h.test { client in
            let first = try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .put, headers: bearer(ops), body: numberBody("888"))
            #expect(first.status == .ok)
            #expect(try first.json(NumberState.self) == NumberState(number: "888", room_id: "r1", assigned_at: t0, frees_at: nil, price_coins: nil))
            h.clock.advance(byMillis: 5)
            let again = try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .put, headers: bearer(ops), body: numberBody("888"))
            #expect(again.status == .ok && again.text == first.text)
            let shown = try await client.execute(uri: "/v1/rooms/888", method: .get, headers: bearer(v)).json(RoomShown.self)
            #expect(shown.id == "r1" && shown.number == "888")
            // Through the number itself: the room gets a new one, the old one is released.
            let other = try await client.execute(uri: "/v1/admin/rooms/888/number", method: .put, headers: bearer(ops), body: numberBody("999"))
            #expect(try other.json(NumberState.self).room_id == "r1")
            #expect(try await client.execute(uri: "/v1/rooms/888", method: .get, headers: bearer(v)).status == .notFound)
            #expect(try await client.execute(uri: "/v1/rooms/r1", method: .get, headers: bearer(v)).json(RoomShown.self).number == "999")
            let released = try await client.execute(uri: "/v1/admin/rooms/999/number", method: .delete, headers: bearer(ops))
            #expect(released.status == .ok)
            struct Release: Decodable { let number: String; let room_id: String; let released_at: Int64; let frees_at: Int64 }
            let r = try released.json(Release.self)
            #expect(r.number == "999" && r.room_id == "r1" && r.released_at == t0 + 5 && r.frees_at == t0 + 5 + 30 * Self.day)
            let none = try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .delete, headers: bearer(ops))
            #expect(none.status == .notFound)
            #expect(try none.json(ErrorBody.self).error == "room_number_not_found")
            let plain = try await client.execute(uri: "/v1/rooms/r1", method: .get, headers: bearer(v))
            #expect(plain.text.contains(#""number":null"#))
            let viewer = try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .put, headers: bearer(v), body: numberBody("777"))
            #expect(viewer.status == .forbidden)
        }
        let facts = try await h.facts()
        #expect(facts == [
            #"room_number_assigned {"assigned_at":\#(t0),"by":"ops-1","number":"888","room_id":"r1","streamer_id":"s1","via":"operator"}"#,
            #"room_number_released {"by":"ops-1","frees_at":\#(t0 + 5 + 30 * Self.day),"number":"888","released_at":\#(t0 + 5),"room_id":"r1","via":"replaced"}"#,
            #"room_number_assigned {"assigned_at":\#(t0 + 5),"by":"ops-1","number":"999","room_id":"r1","streamer_id":"s1","via":"operator"}"#,
            #"room_number_released {"by":"ops-1","frees_at":\#(t0 + 5 + 30 * Self.day),"number":"999","released_at":\#(t0 + 5),"room_id":"r1","via":"operator"}"#,
        ])
    }

    @Test("one number, one room: held numbers and all-digit room ids are refused, both ways")
    func uniqueness() async throws {
        let h = try await NumberHost(rooms: ["r1": "s1", "r2": "s2", "777": "s7"])
        let ops = try h.token(.operator, "ops-1")
        try await h.test { client in
            #expect(try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .put, headers: bearer(ops), body: numberBody("888")).status == .ok)
            for (path, body) in [("/v1/admin/rooms/r2/number", numberBody("888")), ("/v1/admin/rooms/r1/number", numberBody("777"))] {
                let refused = try await client.execute(uri: path, method: .put, headers: bearer(ops), body: body)
                #expect(refused.status == .conflict)
                #expect(try refused.json(ErrorBody.self).error == "number_taken")
            }
            // The room `777` keeps its id as a segment; a room may take its own id as number.
            #expect(try await client.execute(uri: "/v1/rooms/777", method: .get, headers: bearer(ops)).json(RoomShown.self).id == "777")
            #expect(try await client.execute(uri: "/v1/admin/rooms/777/number", method: .put, headers: bearer(ops), body: numberBody("777")).status == .ok)
            let create = try await client.execute(
                uri: "/v1/admin/rooms", method: .post, headers: bearer(ops),
                body: jsonBody(#"{"id":"888","streamer_id":"s8","title":"T","category":"c"}"#))
            #expect(create.status == .conflict)
            #expect(try create.json(ErrorBody.self).error == "number_taken")
            let list = try await client.execute(uri: "/v1/admin/room-numbers/888", method: .put, headers: bearer(ops), body: jsonBody(#"{"price_coins":5}"#))
            #expect(list.status == .conflict)
        }
        let held = try await h.engine.store.read { db in try String.fetchAll(db, sql: "SELECT number || '=' || room_id FROM room_numbers ORDER BY number") }
        #expect(held == ["777=777", "888=r1"])
    }

    @Test("a released number cools down for every room: 409 one ms before the end, free at it")
    func coolDownBoundary() async throws {
        let h = try await NumberHost()
        let ops = try h.token(.operator, "ops-1")
        let coolDown = h.engine.numbers.coolDownMillis
        #expect(coolDown == 30 * Self.day)
        try await h.test { client in
            _ = try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .put, headers: bearer(ops), body: numberBody("888"))
            h.clock.advance(byMillis: 1_000)
            let releasedAt = h.clock.nowMillis()
            _ = try await client.execute(uri: "/v1/admin/rooms/r1/number", method: .delete, headers: bearer(ops))
            h.clock.set(millis: releasedAt + coolDown - 1)
            for room in ["r1", "r2"] {
                let early = try await client.execute(uri: "/v1/admin/rooms/\(room)/number", method: .put, headers: bearer(ops), body: numberBody("888"))
                #expect(early.status == .conflict)
                let error = try early.json(ErrorBody.self)
                #expect(error.error == "number_cooling_down")
                #expect(error.message.contains("\(releasedAt + coolDown)"))
            }
            let listed = try await client.execute(uri: "/v1/admin/room-numbers", method: .get, headers: bearer(ops)).json(NumberList.self)
            #expect(listed.numbers == [NumberState(number: "888", room_id: nil, assigned_at: nil, frees_at: releasedAt + coolDown, price_coins: nil)])
            h.clock.advance(byMillis: 1)
            let onTime = try await client.execute(uri: "/v1/admin/rooms/r2/number", method: .put, headers: bearer(ops), body: numberBody("888"))
            #expect(onTime.status == .ok)
            #expect(try onTime.json(NumberState.self).room_id == "r2")
        }
    }

    @Test("the cool-down is an engine option, counted on the engine's clock")
    func coolDownOption() async throws {
        let database = try TemporaryDatabase()
        let folder = try ScriptFolder([:])
        defer { folder.remove() }
        let clock = ManualClock()
        var options = EngineOptions(databasePath: database.path, scriptsPath: folder.path)
        options.clock = clock
        options.roomNumberCoolDownMillis = 10
        let engine = try EngineParts.open(options, logger: .quiet())
        #expect(engine.numbers.coolDownMillis == 10)
        let r1 = try await engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "One", category: "c"))
        let r2 = try await engine.rooms.create(NewRoom(id: "r2", streamerID: "s2", title: "Two", category: "c"))
        _ = try await engine.numbers.assign("123", to: r1, by: "ops")
        let release = try await engine.numbers.release(room: r1, by: "ops")
        #expect(release.freesAt == clock.nowMillis() + 10)
        clock.advance(byMillis: 9)
        await #expect(throws: RoomNumberError.coolingDown(number: "123", freesAt: release.freesAt)) {
            try await engine.numbers.assign("123", to: r2, by: "ops")
        }
        clock.advance(byMillis: 1)
        #expect(try await engine.numbers.assign("123", to: r2, by: "ops").roomID == "r2")
        #expect(try await engine.resolver.resolve("123").id == "r2")
    }

    struct NumberList: Decodable { let numbers: [NumberState]; let next: String? }

    /// One request of the route loop.
    struct Call {
        let method: HTTPRequest.Method
        let path: String
        let token: String
        var body: String? = nil
        let status: HTTPResponse.Status
        /// The route as the router names it.
        var route: String {
            "\(method.rawValue) \(path.replacingOccurrences(of: "/4321", with: "/{room}").replacingOccurrences(of: "/members/v1", with: "/members/{user}"))"
        }
    }

    @Test("every route that takes {room} takes the vanity number and answers with the room's id")
    func everyRoomRoute() async throws {
        let h = try await NumberHost(coins: ["v1": 1_000, "s1": 1_000])
        let ops = try h.token(.operator, "ops-1")
        let v = try h.token(.viewer, "v1")
        let s = try h.token(.streamer, "s1")
        _ = try await h.engine.numbers.list("5678", priceCoins: 10, by: "ops-1")
        _ = try await h.engine.numbers.assign("4321", to: try await h.engine.rooms.room(id: "r1"), by: "ops-1")
        let calls = [
            Call(method: .put, path: "/v1/admin/rooms/4321/number", token: ops, body: #"{"number":"4321"}"#, status: .ok),
            Call(method: .get, path: "/v1/rooms/4321", token: v, status: .ok),
            Call(method: .get, path: "/v1/rooms/4321/follow", token: v, status: .ok),
            Call(method: .post, path: "/v1/rooms/4321/follow", token: v, status: .ok),
            Call(method: .delete, path: "/v1/rooms/4321/follow", token: v, status: .ok),
            Call(method: .get, path: "/v1/rooms/4321/gifts", token: v, status: .ok),
            Call(method: .post, path: "/v1/rooms/4321/gifts", token: v, body: #"{"gift_id":"rose","count":1,"idempotency_key":"g1"}"#, status: .ok),
            Call(method: .get, path: "/v1/rooms/4321/ws", token: v, status: .badRequest),
            Call(method: .get, path: "/v1/rooms/4321/danmaku", token: v, status: .ok),
            Call(method: .post, path: "/v1/rooms/4321/mutes", token: s, body: #"{"user_id":"v2","seconds":60}"#, status: .noContent),
            Call(method: .post, path: "/v1/admin/rooms/4321/notices", token: ops, body: #"{"text":"hello"}"#, status: .ok),
            Call(method: .post, path: "/v1/rooms/4321/number", token: s, body: #"{"number":"4321","idempotency_key":"b1"}"#, status: .conflict),
            Call(method: .post, path: "/v1/rooms/4321/live", token: s, body: #"{"on":true,"game":"chess"}"#, status: .ok),
            Call(method: .get, path: "/v1/rooms/4321/live", token: v, status: .ok),
            Call(method: .put, path: "/v1/rooms/4321/queue", token: s,
                body: #"{"open":true,"game":"chess","waiting_capacity":10,"game_capacity":2}"#, status: .ok),
            Call(method: .get, path: "/v1/rooms/4321/queue", token: v, status: .ok),
            Call(method: .post, path: "/v1/rooms/4321/queue/apply", token: v, status: .ok),
            Call(method: .delete, path: "/v1/rooms/4321/queue/me", token: v, status: .ok),
            Call(method: .post, path: "/v1/rooms/4321/queue/apply", token: v, status: .ok),
            Call(method: .post, path: "/v1/rooms/4321/queue/members/v1/promote", token: s, status: .ok),
            Call(method: .delete, path: "/v1/rooms/4321/queue/members/v1", token: s, status: .ok),
            Call(method: .post, path: "/v1/rooms/4321/queue/clear", token: s, status: .ok),
            Call(method: .delete, path: "/v1/admin/rooms/4321/number", token: ops, status: .ok),
        ]
        #expect(Set(calls.map(\.route)) == h.roomRoutes)
        try await h.test { client in
            for call in calls {
                let unknown = call.path.replacingOccurrences(of: "/4321", with: "/4322")
                let missing = try await client.execute(
                    uri: unknown, method: call.method, headers: bearer(call.token), body: call.body.map(jsonBody) ?? ByteBuffer())
                #expect(missing.status == .notFound, "\(call.route) with an unknown number")
                #expect(try missing.json(ErrorBody.self).error == "room_not_found", "\(call.route)")
                let response = try await client.execute(
                    uri: call.path, method: call.method, headers: bearer(call.token), body: call.body.map(jsonBody) ?? ByteBuffer())
                #expect(response.status == call.status, "\(call.route): \(response.text)")
                if response.status == .badRequest { #expect(try response.json(ErrorBody.self).error == "upgrade_required") }
                if call.status == .conflict { #expect(try response.json(ErrorBody.self).error == "number_not_for_sale") }
                // Whatever names the room in an answer names it by its id.
                for key in ["room_id", "id", "room"] where response.text.contains(#""\#(key)":"4321""#) {
                    Issue.record("\(call.route) answered the number as \(key): \(response.text)")
                }
            }
            // The purchase route itself, with a listed number: the room buys 5678 through 4321.
            let bought = try await client.execute(uri: "/v1/rooms/4321/number", method: .post, headers: bearer(s), body: buyBody("5678", key: "b2"))
            // 4321 was released just before, so the segment no longer names r1.
            #expect(bought.status == .notFound)
            let viaID = try await client.execute(uri: "/v1/rooms/r1/number", method: .post, headers: bearer(s), body: buyBody("5678", key: "b2"))
            #expect(viaID.status == .ok)
            let viaNumber = try await client.execute(uri: "/v1/rooms/5678/number", method: .post, headers: bearer(s), body: buyBody("5678", key: "b2"))
            #expect(viaNumber.text == viaID.text, "the number resolves to the same room, so the same body")
        }
    }

    @Test("the WebSocket path takes the number; the hello frame names the room by its id")
    func webSocketPath() async throws {
        let rt = try await RealtimeHost()
        let room = try await RoomDirectory(store: SQLiteRoomStore(rt.store)).room(id: "r1")
        _ = try await rt.numbers.assign("555", to: room, by: "ops-1")
        try await rt.live { client in
            let inbox = Inbox()
            try await client.session("/v1/rooms/555/ws?token=\(try rt.token("alice"))", inbox: inbox) { out in
                try await out.write(danmakuFrame("hi"))
                try await inbox.wait("the echo") { $0.danmaku == ["hi"] }
            }
            #expect(inbox.all("hello").first?.room == "r1")
            #expect(inbox.all("danmaku").first?.room == "r1")
            let unknown = try await client.execute(uri: "/v1/rooms/556/ws", method: .get)
            #expect(unknown.status == .notFound)
        }
    }
}
