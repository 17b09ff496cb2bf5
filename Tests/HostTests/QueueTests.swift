@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import Rooms
@testable import Scripting
@testable import Storage
import Testing
@testable import Host

@Suite("Play together queues")
struct QueueTests {
    struct Member: Decodable, Equatable { let user_id: String; let game_account: String? }
    struct View: Decodable {
        let room_id: String
        let open: Bool
        let waiting: [Member]
        let game_queue: [Member]
        let version: Int64
    }
    struct ErrorBody: Decodable, Equatable { let error: String; let message: String }
    struct LiveState: Decodable { let live: Bool; let session: Session?; struct Session: Decodable { let game: String; let ended_at: Int64? } }

    static let settings = #"{"open":true,"game":"chess","waiting_capacity":3,"game_capacity":1}"#

    func host() async throws -> EngineHost {
        let e = try await EngineHost(scripts: [
            "activities/probe.lua": ScriptSamples.activity("return 1"),
            "lib/gates.lua": try String(contentsOfFile: ScriptPaths.shipped + "/lib/gates.lua", encoding: .utf8),
            "queues/follower.lua": try String(contentsOfFile: ScriptPaths.shipped + "/queues/follower.lua", encoding: .utf8),
            "queues/fan_medal.lua": try String(contentsOfFile: ScriptPaths.shipped + "/queues/fan_medal.lua", encoding: .utf8),
        ])
        _ = try await e.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "games"))
        return e
    }

    @Test("settings: the streamer or an operator; bad capacities 400; unknown gates and params 422; others 403")
    func settings() async throws {
        let e = try await host()
        let s = try e.token(.streamer, user: "s1")
        let other = try e.token(.streamer, user: "s2")
        let ops = try e.token(.operator, user: "ops")
        let bad: [(String, HTTPResponse.Status, String)] = [
            (#"{"open":true,"game":"chess","waiting_capacity":0,"game_capacity":1}"#, .badRequest, "invalid_waiting_capacity"),
            (#"{"open":true,"game":"chess","waiting_capacity":501,"game_capacity":1}"#, .badRequest, "invalid_waiting_capacity"),
            (#"{"open":true,"game":"chess","waiting_capacity":3,"game_capacity":51}"#, .badRequest, "invalid_game_capacity"),
            (#"{"open":true,"game":"","waiting_capacity":3,"game_capacity":1}"#, .badRequest, "invalid_game"),
            (#"{"open":true,"game":"chess","waiting_capacity":3,"game_capacity":1,"gate":{"template":"nope","params":{}}}"#, .unprocessableContent, "unknown_gate"),
            (#"{"open":true,"game":"chess","waiting_capacity":3,"game_capacity":1,"gate":{"template":"fan-medal","params":{"level":99}}}"#, .unprocessableContent, "invalid_gate_params"),
            (#"{"open":true,"game":"chess","waiting_capacity":3,"game_capacity":1,"gate":{"template":"fan-medal","params":{"level":[1]}}}"#, .badRequest, "invalid_field"),
            (#"{"open":true,"game":"chess","waiting_capacity":3,"game_capacity":1,"gate":{"template":"fan-medal","rule":1}}"#, .badRequest, "unknown_field"),
            (#"{"open":true,"game":"chess","waiting_capacity":3}"#, .badRequest, "invalid_field"),
        ]
        try await e.test { client in
            for (body, status, code) in bad {
                let r = try await client.execute(uri: "/v1/rooms/r1/queue", method: .put, headers: bearer(s), body: jsonBody(body))
                #expect(r.status == status, "\(body)")
                #expect(try r.json(ErrorBody.self).error == code, "\(body)")
            }
            let denied = try await client.execute(uri: "/v1/rooms/r1/queue", method: .put, headers: bearer(other), body: jsonBody(Self.settings))
            #expect(denied.status == .forbidden)
            let none = try await client.execute(uri: "/v1/rooms/r1/queue", method: .get, headers: bearer(s))
            #expect(none.status == .notFound)
            #expect(try none.json(ErrorBody.self).error == "queue_not_found")
            let byOps = try await client.execute(uri: "/v1/rooms/r1/queue", method: .put, headers: bearer(ops), body: jsonBody(Self.settings))
            #expect(byOps.status == .ok)
            let mine = try await client.execute(uri: "/v1/rooms/r1/queue", method: .put, headers: bearer(s), body: jsonBody(Self.settings)).json(View.self)
            #expect(mine.version == 2 && mine.open)
        }
    }

    @Test("apply, every refusal as JSON, leave, promote, remove, clear; facts, memberships and journal agree")
    func lifecycle() async throws {
        let e = try await host()
        let s = try e.token(.streamer, user: "s1")
        let v = try (1...5).map { try e.token(.viewer, user: "v\($0)") }
        @Sendable func apply(_ client: any TestClientProtocol, _ i: Int) async throws -> TestResponse {
            try await client.execute(uri: "/v1/rooms/r1/queue/apply", method: .post, headers: bearer(v[i - 1]))
        }
        try await e.test { client in
            let noQueue = try await apply(client, 1)
            #expect(noQueue.status == .notFound)
            let gated = #"{"open":false,"game":"chess","waiting_capacity":3,"game_capacity":1,"gate":{"template":"follower","params":{}}}"#
            _ = try await client.execute(uri: "/v1/rooms/r1/queue", method: .put, headers: bearer(s), body: jsonBody(gated))
            let closed = try await apply(client, 1)
            #expect(closed.status == .conflict)
            #expect(try closed.json(ErrorBody.self).error == "queue_closed")
            _ = try await client.execute(uri: "/v1/rooms/r1/queue", method: .put, headers: bearer(s), body: jsonBody(gated.replacingOccurrences(of: "false", with: "true")))
            let refused = try await apply(client, 1)
            #expect(refused.status == .forbidden)
            #expect(try refused.json(ErrorBody.self) == .init(error: "gate_refused", message: "follow the streamer to join"))
            for i in 1...4 { _ = try await client.execute(uri: "/v1/rooms/r1/follow", method: .post, headers: bearer(v[i - 1])) }
            for i in 1...3 { #expect(try await apply(client, i).status == .ok) }
            let twice = try await apply(client, 1)
            #expect(twice.status == .conflict)
            #expect(try twice.json(ErrorBody.self).error == "already_queued")
            let full = try await apply(client, 4)
            #expect(full.status == .conflict)
            #expect(try full.json(ErrorBody.self).error == "queue_full")
            let own = try await client.execute(uri: "/v1/rooms/r1/queue/apply", method: .post, headers: bearer(s))
            #expect(own.status == .conflict)
            #expect(try own.json(ErrorBody.self).error == "own_queue")
            let notMine = try await client.execute(uri: "/v1/rooms/r1/queue/members/v2/promote", method: .post, headers: bearer(v[0]))
            #expect(notMine.status == .forbidden)
            let promoted = try await client.execute(uri: "/v1/rooms/r1/queue/members/v2/promote", method: .post, headers: bearer(s)).json(View.self)
            #expect(promoted.waiting.map(\.user_id) == ["v1", "v3"] && promoted.game_queue.map(\.user_id) == ["v2"])
            let gameFull = try await client.execute(uri: "/v1/rooms/r1/queue/members/v1/promote", method: .post, headers: bearer(s))
            #expect(gameFull.status == .conflict)
            #expect(try gameFull.json(ErrorBody.self).error == "game_full")
            let left = try await client.execute(uri: "/v1/rooms/r1/queue/me", method: .delete, headers: bearer(v[0])).json(View.self)
            #expect(left.waiting.map(\.user_id) == ["v3"])
            let notQueued = try await client.execute(uri: "/v1/rooms/r1/queue/me", method: .delete, headers: bearer(v[0]))
            #expect(notQueued.status == .notFound)
            let badReason = try await client.execute(uri: "/v1/rooms/r1/queue/members/v3", method: .delete, headers: bearer(s), body: jsonBody(#"{"reason":""}"#))
            #expect(badReason.status == .badRequest)
            let removed = try await client.execute(uri: "/v1/rooms/r1/queue/members/v3", method: .delete, headers: bearer(s), body: jsonBody(#"{"reason":"afk"}"#)).json(View.self)
            #expect(removed.waiting.isEmpty && removed.game_queue.map(\.user_id) == ["v2"])
            #expect(try await apply(client, 4).status == .ok)
            let cleared = try await client.execute(uri: "/v1/rooms/r1/queue/clear", method: .post, headers: bearer(s)).json(View.self)
            #expect(cleared.waiting.isEmpty && cleared.game_queue.isEmpty && !cleared.open)
        }
        let (facts, states, journal) = try await e.engine.store.read { db in
            (try Row.fetchAll(db, sql: "SELECT user_id, action, actor, reason FROM queue_facts ORDER BY seq").map {
                "\($0[0] as String) \($0[1] as String) \($0[2] as String) \(($0[3] as String?) ?? "-")"
            },
             try Row.fetchAll(db, sql: "SELECT user_id, state FROM queue_memberships ORDER BY id").map { "\($0[0] as String) \($0[1] as String)" },
             try String.fetchAll(db, sql: "SELECT type FROM journal WHERE type LIKE 'queue_%' ORDER BY offset"))
        }
        #expect(facts == [
            "v1 enter_waiting v1 -", "v2 enter_waiting v2 -", "v3 enter_waiting v3 -",
            "v2 leave_waiting s1 promoted", "v2 enter_game s1 -", "v1 leave_waiting v1 -", "v3 leave_waiting s1 afk",
            "v4 enter_waiting v4 -", "v4 leave_waiting s1 cleared", "v2 leave_game s1 cleared",
        ])
        #expect(states == ["v1 left", "v2 removed", "v3 removed", "v4 removed"])
        #expect(journal == ["queue_joined", "queue_joined", "queue_joined", "queue_left", "queue_left", "queue_joined", "queue_left", "queue_left"])
    }

    @Test("the streamer sees game accounts, viewers do not; live sessions start and end once, journaled")
    func accountsAndLive() async throws {
        let e = try await host()
        let s = try e.token(.streamer, user: "s1")
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            _ = try await client.execute(uri: "/v1/rooms/r1/queue", method: .put, headers: bearer(s), body: jsonBody(Self.settings))
            let bound = try await client.execute(uri: "/v1/users/me/game-accounts/chess", method: .put, headers: bearer(v), body: jsonBody(#"{"account":"knight#42"}"#))
            #expect(bound.status == .ok)
            let badAccount = try await client.execute(uri: "/v1/users/me/game-accounts/chess", method: .put, headers: bearer(v), body: jsonBody(#"{"account":""}"#))
            #expect(badAccount.status == .badRequest)
            _ = try await client.execute(uri: "/v1/rooms/r1/queue/apply", method: .post, headers: bearer(v))
            let asStreamer = try await client.execute(uri: "/v1/rooms/r1/queue", method: .get, headers: bearer(s)).json(View.self)
            #expect(asStreamer.waiting == [Member(user_id: "v1", game_account: "knight#42")])
            let asViewer = try await client.execute(uri: "/v1/rooms/r1/queue", method: .get, headers: bearer(v)).json(View.self)
            #expect(asViewer.waiting == [Member(user_id: "v1", game_account: nil)])

            let denied = try await client.execute(uri: "/v1/rooms/r1/live", method: .post, headers: bearer(v), body: jsonBody(#"{"on":true,"game":"chess"}"#))
            #expect(denied.status == .forbidden)
            let noGame = try await client.execute(uri: "/v1/rooms/r1/live", method: .post, headers: bearer(s), body: jsonBody(#"{"on":true}"#))
            #expect(noGame.status == .badRequest)
            for _ in 0..<2 {
                let on = try await client.execute(uri: "/v1/rooms/r1/live", method: .post, headers: bearer(s), body: jsonBody(#"{"on":true,"game":"chess"}"#)).json(LiveState.self)
                #expect(on.live && on.session?.game == "chess")
            }
            for _ in 0..<2 {
                let off = try await client.execute(uri: "/v1/rooms/r1/live", method: .post, headers: bearer(s), body: jsonBody(#"{"on":false}"#)).json(LiveState.self)
                #expect(!off.live && off.session == nil)
            }
            let state = try await client.execute(uri: "/v1/rooms/r1/live", method: .get, headers: bearer(v)).json(LiveState.self)
            #expect(!state.live)
            struct RoomLive: Decodable { let live: Bool }
            #expect(try await client.execute(uri: "/v1/rooms/r1", method: .get, headers: bearer(v)).json(RoomLive.self).live == false)
            _ = try await client.execute(uri: "/v1/rooms/r1/live", method: .post, headers: bearer(s), body: jsonBody(#"{"on":true,"game":"go"}"#))
            #expect(try await client.execute(uri: "/v1/rooms/r1", method: .get, headers: bearer(v)).json(RoomLive.self).live == true)
        }
        let types = try await e.engine.store.read { db in try String.fetchAll(db, sql: "SELECT type FROM journal WHERE type LIKE 'live_%' ORDER BY offset") }
        #expect(types == ["live_started", "live_ended", "live_started"])
    }

    @Test("every change is pushed to the room as a queue frame with both lists and a growing version")
    func frames() async throws {
        let e = try await host()
        let room = try await e.engine.rooms.room(id: "r1")
        let owner = Principal(userID: "s1", role: .streamer, expiresAt: .distantFuture)
        let start = e.engine.bus.position(room: "r1")
        _ = try await e.engine.queues.configure(room, by: owner, QueueSettings(open: true, game: "chess", waitingCapacity: 3, gameCapacity: 1))
        _ = try await e.engine.queues.apply(room, viewer: "v1")
        _ = try await e.engine.queues.promote(room, user: "v1", by: owner)
        guard case .events(let frames) = e.engine.bus.since(room: "r1", cursor: start) else {
            Issue.record("no frames")
            return
        }
        #expect(frames.map(\.type) == [.queue, .queue, .queue])
        struct Data: Decodable { let version: Int64; let waiting: [Member]; let game_queue: [Member] }
        struct Frame: Decodable { let data: Data }
        let decoded = try frames.map { try JSONDecoder().decode(Frame.self, from: Foundation.Data($0.bytes)).data }
        #expect(decoded.map(\.version) == [1, 2, 3])
        #expect(decoded[1].waiting.map(\.user_id) == ["v1"] && decoded[2].game_queue.map(\.user_id) == ["v1"])
        #expect(decoded.allSatisfy { $0.waiting.allSatisfy { $0.game_account == nil } })
        e.folder.remove()
    }

    @Test("anonymous applies are 401; a gate that fails to run refuses with 403 and lets nobody in")
    func anonymousAndBrokenGate() async throws {
        let e = try await EngineHost(scripts: [
            "activities/probe.lua": ScriptSamples.activity("return 1"),
            "queues/broken.lua": #"return queue_gate { id = "broken", check = function() error("bug") end }"#,
        ])
        _ = try await e.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "games"))
        let s = try e.token(.streamer, user: "s1")
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let body = #"{"open":true,"game":"chess","waiting_capacity":3,"game_capacity":1,"gate":{"template":"broken","params":{}}}"#
            #expect(try await client.execute(uri: "/v1/rooms/r1/queue", method: .put, headers: bearer(s), body: jsonBody(body)).status == .ok)
            let anonymous = try await client.execute(uri: "/v1/rooms/r1/queue/apply", method: .post)
            #expect(anonymous.status == .unauthorized)
            let broken = try await client.execute(uri: "/v1/rooms/r1/queue/apply", method: .post, headers: bearer(v))
            #expect(broken.status == .forbidden)
            let error = try broken.json(ErrorBody.self)
            #expect(error.error == "gate_refused" && error.message.contains("failed to run (script_error)"))
            let view = try await client.execute(uri: "/v1/rooms/r1/queue", method: .get, headers: bearer(s)).json(View.self)
            #expect(view.waiting.isEmpty)
        }
    }

    @Test("a frame lists the first 20 waiting members whatever the queue's size, with the counts")
    func frameBound() async throws {
        let e = try await host()
        let room = try await e.engine.rooms.room(id: "r1")
        let owner = Principal(userID: "s1", role: .streamer, expiresAt: .distantFuture)
        _ = try await e.engine.queues.configure(room, by: owner, QueueSettings(open: true, game: "chess", waitingCapacity: 30, gameCapacity: 1))
        var frame: QueueFrame?
        for i in 1...Int(QueueFrame.waitingShown) + 1 { frame = try await e.engine.queues.apply(room, viewer: "v\(i)") }
        #expect(frame?.waitingCount == QueueFrame.waitingShown + 1)
        #expect(frame?.waiting.count == Int(QueueFrame.waitingShown))
        #expect(frame?.waiting.first?.userID == "v1" && frame?.waiting.last?.userID == "v\(QueueFrame.waitingShown)")
        let view = try await e.engine.queues.view(room, streamerView: false)
        #expect(view.waiting.count == Int(QueueFrame.waitingShown) + 1, "the full list is GET's")
        e.folder.remove()
    }

    @Test("1,000 concurrent applies to 10 seats: exactly 10 members, no duplicates, the rest queue_full")
    func concurrentApplies() async throws {
        let e = try await host()
        let room = try await e.engine.rooms.room(id: "r1")
        let owner = Principal(userID: "s1", role: .streamer, expiresAt: .distantFuture)
        _ = try await e.engine.queues.configure(room, by: owner, QueueSettings(open: true, game: "chess", waitingCapacity: 10, gameCapacity: 1))
        let codes = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<1_000 {
                group.addTask {
                    do {
                        _ = try await e.engine.queues.apply(room, viewer: "v\(i % 500)")
                        return "ok"
                    } catch let error as RequestError { return error.code }
                }
            }
            return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(codes["ok"] == 10)
        #expect(codes.values.reduce(0, +) == 1_000 && Set(codes.keys).isSubset(of: ["ok", "queue_full", "already_queued"]))
        let view = try await e.engine.queues.view(room, streamerView: true)
        #expect(view.waiting.count == 10 && Set(view.waiting.map(\.userID)).count == 10)
        #expect(try await e.engine.store.read { db in try QueueVerifier.differences(db) }.isEmpty)
        e.folder.remove()
    }
}

@Suite("Play together recommendations")
struct RecommendationTests {
    struct Entry: Decodable { let room_id: String; let tier: Int64; let played_before: Bool; let seats_missing: Int64 }
    struct Answer: Decodable { let generated_at: Int64; let age_ms: Int64; let streamers: [Entry] }

    @Test("live open queues in tiers by average viewers; played-before first, then seats missing; game and gate filters; the list's age")
    func recommended() async throws {
        let clock = ManualClock()
        let e = try await EngineHost(scripts: [
            "activities/probe.lua": ScriptSamples.activity("return 1"),
            "lib/gates.lua": try String(contentsOfFile: ScriptPaths.shipped + "/lib/gates.lua", encoding: .utf8),
            "queues/follower.lua": try String(contentsOfFile: ScriptPaths.shipped + "/queues/follower.lua", encoding: .utf8),
        ], clock: clock)
        let v = try e.token(.viewer, user: "v1")
        await #expect(throws: RequestError.self) { try await e.engine.recommendations.recommend(viewer: "v1", game: nil, limit: 5, passing: false) }
        var rooms: [String: Room] = [:]
        for i in 1...5 {
            let room = try await e.engine.rooms.create(NewRoom(id: "r\(i)", streamerID: "s\(i)", title: "Room", category: "games"))
            rooms[room.id] = room
            let owner = Principal(userID: "s\(i)", role: .streamer, expiresAt: .distantFuture)
            let gate = i == 3 ? GateChoice(template: "follower") : nil
            _ = try await e.engine.queues.configure(room, by: owner, QueueSettings(
                open: true, game: i == 5 ? "go" : "chess", waitingCapacity: 10, gameCapacity: Int64(i == 1 ? 2 : 4), gate: gate))
            if i != 4 { _ = try await e.engine.liveSessions.set(room, by: owner, on: true, game: "chess") }
        }
        // v1 played with s1 before.
        let s1 = Principal(userID: "s1", role: .streamer, expiresAt: .distantFuture)
        _ = try await e.engine.queues.apply(rooms["r1"]!, viewer: "v1")
        _ = try await e.engine.queues.promote(rooms["r1"]!, user: "v1", by: s1)
        _ = try await e.engine.queues.leave(rooms["r1"]!, user: "v1", by: s1, reason: "game over")
        let audience: [String: Int64] = ["r1": 5, "r2": 150, "r3": 50, "r5": 3]
        try await e.engine.liveSessions.sample { audience[$0] ?? 0 }
        try await e.engine.recommendations.refresh()
        let built = clock.nowMillis()
        clock.advance(byMillis: 1_500)
        try await e.test { client in
            let all = try await client.execute(uri: "/v1/queues/recommended", method: .get, headers: bearer(v)).json(Answer.self)
            #expect(all.streamers.map(\.room_id) == ["r2", "r3", "r1", "r5"])
            #expect(all.streamers.map(\.tier) == [2, 1, 0, 0])
            #expect(all.streamers[2].played_before && all.streamers[2].seats_missing == 2 && all.streamers[3].seats_missing == 4)
            #expect(all.generated_at == built && all.age_ms == 1_500)
            let chess = try await client.execute(uri: "/v1/queues/recommended?game=go", method: .get, headers: bearer(v)).json(Answer.self)
            #expect(chess.streamers.map(\.room_id) == ["r5"])
            let passing = try await client.execute(uri: "/v1/queues/recommended?passing=true&limit=2", method: .get, headers: bearer(v)).json(Answer.self)
            #expect(passing.streamers.map(\.room_id) == ["r2", "r1"], "r3's follower gate refuses v1")
            for bad in ["limit=0", "limit=51", "limit=x", "passing=yes"] {
                let r = try await client.execute(uri: "/v1/queues/recommended?\(bad)", method: .get, headers: bearer(v))
                #expect(r.status == .badRequest, "\(bad)")
            }
        }
    }
}

@Suite("Live viewers")
struct LiveViewerTests {
    @Test("each live room's concurrent viewers are sampled from the realtime connections")
    func sampled() async throws {
        let rt = try await RealtimeHost()
        let sessions = LiveSessions(store: SQLiteLiveSessionStore(rt.store))
        let room = try await RoomDirectory(store: SQLiteRoomStore(rt.store)).room(id: "r1")
        _ = try await sessions.set(room, by: Principal(userID: "s1", role: .streamer, expiresAt: .distantFuture), on: true, game: "chess")
        let refresh = PlayTogetherRefresh(
            sessions: sessions, recommendations: Recommendations(store: SQLiteQueueStore(rt.store), gates: QueueGates(
                scripts: ScriptRuntime(directory: "/nonexistent", api: .standard, limits: ScriptLimits(), logger: .quiet()),
                ledger: Ledger(store: rt.store), calendar: OperationsCalendar())),
            presence: rt.presence, logger: .quiet())
        let a = Inbox()
        let b = Inbox()
        _ = try await rt.live { client in
            try await client.session("/v1/rooms/r1/ws?token=\(try rt.token("alice"))", inbox: a) { _ in
                try await client.session("/v1/rooms/r1/ws?token=\(try rt.token("bob"))", inbox: b) { _ in
                    #expect(rt.presence.count(room: "r1") == 2 && rt.presence.count(room: "r2") == 0)
                    try await refresh.once()
                }
            }
        }
        #expect(rt.presence.count(room: "r1") == 0)
        let samples = try await rt.store.read { db in try Int64.fetchAll(db, sql: "SELECT viewers FROM live_samples") }
        #expect(samples == [2])
    }
}
