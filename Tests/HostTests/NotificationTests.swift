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

@Suite("Notifications")
struct NotificationTests {
    struct Item: Decodable { let id: Int64; let text: String; let read: Bool }
    struct Page: Decodable { let notifications: [Item]; let next_cursor: String?; let unread: Int64 }
    struct ErrorBody: Decodable { let error: String }

    /// Captures what the user bus hands to sockets.
    final class Sockets: UserSubscriber {
        let frames = Mutex<[(String, String)]>([])
        func deliver(userID: String, frame: [UInt8]) -> Int {
            frames.withLock { $0.append((userID, String(decoding: frame, as: UTF8.self))) }
            return 1
        }
    }

    static let script = """
        return activity {
          id = "greeter",
          on = { follow = function(ctx, f) ctx.notify(f.viewer_id, "thanks for following " .. f.streamer_id) end },
        }
        """

    @Test("ctx.notify becomes a stored notification, pushed once to the user's sockets; pages, cursor, read marks")
    func notices() async throws {
        let e = try await EngineHost(scripts: ["activities/greeter.lua": Self.script])
        let sockets = Sockets()
        e.engine.users.attach(sockets)
        for i in 1...3 { _ = try await e.engine.rooms.create(NewRoom(id: "r\(i)", streamerID: "s\(i)", title: "Room", category: "chat")) }
        let v = try e.token(.viewer, user: "v1")
        let other = try e.token(.viewer, user: "v2")
        try await e.test { client in
            for i in 1...3 { _ = try await client.execute(uri: "/v1/rooms/r\(i)/follow", method: .post, headers: bearer(v)) }
            for _ in 0..<4 { _ = try await e.engine.consumers.drain() }
            let first = try await client.execute(uri: "/v1/notifications?limit=2", method: .get, headers: bearer(v)).json(Page.self)
            #expect(first.notifications.map(\.text) == ["thanks for following s3", "thanks for following s2"])
            #expect(first.unread == 3 && first.next_cursor != nil)
            let rest = try await client.execute(uri: "/v1/notifications?limit=2&cursor=\(first.next_cursor!)", method: .get, headers: bearer(v)).json(Page.self)
            #expect(rest.notifications.map(\.text) == ["thanks for following s1"] && rest.next_cursor == nil)
            let none = try await client.execute(uri: "/v1/notifications", method: .get, headers: bearer(other)).json(Page.self)
            #expect(none.notifications.isEmpty && none.unread == 0)
            struct Unread: Decodable { let unread: Int64 }
            let marked = try await client.execute(uri: "/v1/notifications/read", method: .post, headers: bearer(v),
                body: jsonBody(#"{"up_to":\#(first.notifications[1].id)}"#)).json(Unread.self)
            #expect(marked.unread == 1)
            let after = try await client.execute(uri: "/v1/notifications", method: .get, headers: bearer(v)).json(Page.self)
            #expect(after.notifications.map(\.read) == [false, true, true])
            for bad in ["limit=0", "limit=101", "limit=x", "cursor=abc", "cursor=-1", "cursor=0", "cursor=99999999999999999999"] {
                let r = try await client.execute(uri: "/v1/notifications?\(bad)", method: .get, headers: bearer(v))
                #expect(r.status == .badRequest, "\(bad)")
            }
            for body in [#"{"up_to":0}"#, #"{"up_to":"1"}"#, #"{}"#, #"{"up_to":1,"all":true}"#] {
                let r = try await client.execute(uri: "/v1/notifications/read", method: .post, headers: bearer(v), body: jsonBody(body))
                #expect(r.status == .badRequest, "\(body)")
            }
        }
        let pushed = sockets.frames.withLock { $0 }
        #expect(pushed.count == 3 && pushed.allSatisfy { $0.0 == "v1" && $0.1.contains(#""kind":"notification""#) })
        // Delivered again after the consumer's cursor went back: stored once, not pushed again.
        try await e.engine.store.write { db in try db.execute(sql: "UPDATE consumer_cursors SET offset = 0 WHERE name = 'notifications'") }
        for _ in 0..<2 { _ = try await e.engine.consumers.drain() }
        #expect(sockets.frames.withLock { $0.count } == 3)
        let stored = try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notifications") }
        #expect(stored == 3)
    }

    /// Counts, at each push, the notifications another connection sees committed.
    final class CommittedAtPush: UserSubscriber {
        let observer: DatabaseQueue
        let seen = Mutex<[Int]>([])
        init(path: String) throws { observer = try DatabaseQueue(path: path) }
        func deliver(userID: String, frame: [UInt8]) -> Int {
            let committed = (try? observer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notifications") ?? 0 }) ?? -1
            seen.withLock { $0.append(committed) }
            return 1
        }
    }

    @Test("a notification is pushed only once its row is committed: the n-th push finds at least n rows from another connection")
    func pushedAfterCommit() async throws {
        let e = try await EngineHost(scripts: ["activities/greeter.lua": Self.script])
        let sockets = try CommittedAtPush(path: e.database.path)
        e.engine.users.attach(sockets)
        for i in 1...3 { _ = try await e.engine.rooms.create(NewRoom(id: "r\(i)", streamerID: "s\(i)", title: "Room", category: "chat")) }
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            for i in 1...3 { _ = try await client.execute(uri: "/v1/rooms/r\(i)/follow", method: .post, headers: bearer(v)) }
            for _ in 0..<4 { _ = try await e.engine.consumers.drain() }
        }
        let seen = sockets.seen.withLock { $0 }
        #expect(seen.count == 3)
        for (n, committed) in seen.enumerated() {
            #expect(committed >= n + 1, "push \(n + 1) went out with \(committed) notifications committed")
        }
    }
}
