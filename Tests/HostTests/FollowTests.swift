import Engine
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import Rooms
import Testing
@testable import Host

@Suite("Following streamers")
struct FollowTests {
    struct State: Decodable, Equatable {
        let streamer_id: String
        let following: Bool
        let since: Int64?
        let followers: Int
    }
    struct ErrorBody: Decodable { let error: String }

    /// Rewards the first follow only, and checks `ctx.follows` from a handler.
    static let script = """
        return task {
          id = "follow-one", stages = { { goal = 1, rewards = { { "tickets", 5 } } } },
          on = { follow = function(ctx, f)
            if not ctx.follows(f.viewer_id, f.streamer_id) then error("ctx.follows disagrees") end
            if f.first then ctx.progress(f.viewer_id, 1) end
          end },
        }
        """

    func host() async throws -> (EngineHost, ManualClock) {
        let clock = ManualClock(nowMillis: LiveOps.day1 + LiveOps.hour)
        let e = try await EngineHost(scripts: ["tasks/follow.lua": Self.script], clock: clock)
        _ = try await e.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "chat"))
        return (e, clock)
    }

    @Test("follow, follow again, unfollow, follow again: one first follow, handlers see each follow")
    func lifecycle() async throws {
        let (e, clock) = try await host()
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let before = try await client.execute(uri: "/v1/rooms/r1/follow", method: .get, headers: bearer(v)).json(State.self)
            #expect(before == State(streamer_id: "s1", following: false, since: nil, followers: 0))
            let followed = try await client.execute(uri: "/v1/rooms/r1/follow", method: .post, headers: bearer(v))
            #expect(followed.status == .ok)
            #expect(try followed.json(State.self) == State(streamer_id: "s1", following: true, since: clock.nowMillis(), followers: 1))
            clock.advance(byMillis: 1000)
            let again = try await client.execute(uri: "/v1/rooms/r1/follow", method: .post, headers: bearer(v)).json(State.self)
            #expect(again.since == LiveOps.day1 + LiveOps.hour && again.followers == 1)
            let off = try await client.execute(uri: "/v1/rooms/r1/follow", method: .delete, headers: bearer(v)).json(State.self)
            #expect(off == State(streamer_id: "s1", following: false, since: nil, followers: 0))
            let offAgain = try await client.execute(uri: "/v1/rooms/r1/follow", method: .delete, headers: bearer(v)).json(State.self)
            #expect(offAgain == off)
            let back = try await client.execute(uri: "/v1/rooms/r1/follow", method: .post, headers: bearer(v)).json(State.self)
            #expect(back.following && back.since == clock.nowMillis())
        }
        let facts = try await e.engine.store.read { db in
            try Row.fetchAll(db, sql: "SELECT type, payload FROM journal WHERE type IN ('follow', 'unfollow') ORDER BY offset")
                .map { "\($0[0] as String) \($0[1] as String)" }
        }
        #expect(facts == [
            #"follow {"first":true,"room_id":"r1","streamer_id":"s1","viewer_id":"v1"}"#,
            #"unfollow {"room_id":"r1","streamer_id":"s1","viewer_id":"v1"}"#,
            #"follow {"first":false,"room_id":"r1","streamer_id":"s1","viewer_id":"v1"}"#,
        ])
        try await LiveOps.settle(e)
        #expect(try await e.engine.consumers.parked().isEmpty)
        let progress = try await e.engine.store.read { db in
            try Int64.fetchOne(db, sql: "SELECT progress FROM task_progress WHERE task = 'follow-one' AND user_id = 'v1'")
        }
        #expect(progress == 1)
    }

    @Test("refusals: oneself, an unknown room, no token, past the per-viewer limit")
    func refusals() async throws {
        let (e, _) = try await host()
        try await e.engine.store.write { db in
            for i in 0..<(Follows.perViewerMax - 1) {
                try db.execute(
                    sql: "INSERT INTO follows (viewer_id, streamer_id, active, followed_at, first_followed_at) VALUES ('v9', ?, 1, 0, 0)",
                    arguments: ["other\(i)"])
            }
        }
        _ = try await e.engine.rooms.create(NewRoom(id: "r2", streamerID: "s2", title: "Two", category: "chat"))
        let streamer = try e.token(.streamer, user: "s1")
        let busy = try e.token(.viewer, user: "v9")
        try await e.test { client in
            let selfFollow = try await client.execute(uri: "/v1/rooms/r1/follow", method: .post, headers: bearer(streamer))
            #expect(selfFollow.status == .conflict)
            #expect(try selfFollow.json(ErrorBody.self).error == "cannot_follow_self")
            let unknown = try await client.execute(uri: "/v1/rooms/nope/follow", method: .post, headers: bearer(busy))
            #expect(unknown.status == .notFound)
            #expect(try unknown.json(ErrorBody.self).error == "room_not_found")
            let anonymous = try await client.execute(uri: "/v1/rooms/r1/follow", method: .post)
            #expect(anonymous.status == .unauthorized)
            // The last free place is taken, the next follow is refused with nothing written.
            let last = try await client.execute(uri: "/v1/rooms/r1/follow", method: .post, headers: bearer(busy))
            #expect(last.status == .ok)
            let over = try await client.execute(uri: "/v1/rooms/r2/follow", method: .post, headers: bearer(busy))
            #expect(over.status == .conflict)
            #expect(try over.json(ErrorBody.self).error == "too_many_follows")
            let r2 = try await client.execute(uri: "/v1/rooms/r2/follow", method: .get, headers: bearer(busy)).json(State.self)
            #expect(!r2.following && r2.followers == 0)
        }
        let follows = try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'follow'") }
        #expect(follows == 1)
    }
}
