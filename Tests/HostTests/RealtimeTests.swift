import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import NIOWebSocket
@testable import Rooms
import Testing
@testable import Host

@Suite("Realtime WebSocket rooms")
struct RealtimeTests {
    @Test func twoClientsSeeEachOthersDanmakuInOrder() async throws {
        let rt = try await RealtimeHost()
        let (ta, tb) = (try rt.token("alice"), try rt.token("bob"))
        let expected = ["a1", "a2", "b1", "b2"]
        try await rt.live { client in
            let a = Inbox(), b = Inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await client.session("/v1/rooms/r1/ws?token=\(ta)", inbox: a) { out in
                        try await a.wait("bob") { _ in !b.all("hello").isEmpty }
                        for text in ["a1", "a2"] { try await out.write(danmakuFrame(text)) }
                        try await a.wait("all four") { $0.danmaku.count == 4 }
                    }
                }
                group.addTask {
                    try await client.session("/v1/rooms/r1/ws?token=\(tb)", inbox: b) { out in
                        try await b.wait("alice's two") { $0.danmaku.count == 2 }
                        for text in ["b1", "b2"] { try await out.write(danmakuFrame(text)) }
                        try await b.wait("all four") { $0.danmaku.count == 4 }
                    }
                }
                try await group.waitForAll()
            }
            #expect(a.danmaku == expected)
            #expect(b.danmaku == expected)
            let offsets = a.all("danmaku").compactMap(\.offset)
            #expect(offsets == offsets.sorted() && Set(offsets).count == 4)
            // Whoever joined second announced itself to the one already there.
            #expect(a.all("enter").contains { $0.data?.user_id == "bob" } || b.all("enter").contains { $0.data?.user_id == "alice" })
            #expect(a.all("hello").first?.room == "r1")
        }
        // Each signed-in entry is also a journal fact for activity and task handlers.
        let enters = try await rt.store.read { db in
            try String.fetchAll(db, sql: "SELECT json_extract(payload, '$.user_id') FROM journal WHERE type = 'enter' ORDER BY 1")
        }
        #expect(enters == ["alice", "bob"])
    }

    @Test func resumeReturnsExactlyTheMissedEventsThenFailsBeyondHistory() async throws {
        let rt = try await RealtimeHost(history: .init(historyCountMax: 3))
        try await rt.live { client in
            let first = Inbox()
            try await client.session("/v1/rooms/r1/ws", inbox: first) { _ in }
            let hello = try #require(first.all("hello").first)
            let (epoch, offset) = (try #require(hello.epoch), try #require(hello.offset))
            for n in 1...2 {
                rt.realtime.bus.publish(room: "r1", event: try RoomEvent(.gift, payload: ["n": n]))
            }
            let resumed = Inbox()
            try await client.session("/v1/rooms/r1/ws?epoch=\(epoch)&offset=\(offset)", inbox: resumed) { _ in
                try await resumed.wait("two gifts") { $0.all("gift").count == 2 }
            }
            #expect(resumed.types() == ["hello", "gift", "gift"])
            #expect(resumed.all("gift").compactMap(\.offset) == [offset + 1, offset + 2])
            for n in 3...6 {
                rt.realtime.bus.publish(room: "r1", event: try RoomEvent(.gift, payload: ["n": n]))
            }
            let failed = Inbox()
            try await client.session("/v1/rooms/r1/ws?epoch=\(epoch)&offset=\(offset)", inbox: failed) { out in
                try await failed.wait("resume_failed") { !$0.all("resume_failed").isEmpty }
                try await out.write(.text(#"{"type":"since","epoch":"\#(epoch)","offset":\#(offset + 4)}"#))
                try await failed.wait("since replay") { $0.all("gift").count == 2 }
            }
            #expect(failed.all("resume_failed").first?.reason == "history_expired")
            #expect(failed.all("gift").compactMap(\.offset) == [offset + 5, offset + 6])
        }
    }

    @Test func unknownRoomIs404BeforeUpgradingAndPlainGetNeedsUpgrade() async throws {
        let rt = try await RealtimeHost()
        try await rt.live { client in
            try await client.execute(uri: "/v1/rooms/nope/ws", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/rooms/r1/ws?token=bad", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/rooms/r1/ws", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            await #expect(throws: (any Error).self) {
                try await client.ws("/v1/rooms/nope/ws") { _, _, _ in }
            }
        }
    }
}
