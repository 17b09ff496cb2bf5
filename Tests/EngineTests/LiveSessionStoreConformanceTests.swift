import EngineTesting
import Foundation
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

/// What every `LiveSessionStore` backend must do (see the protocol's doc comment).
@Suite("LiveSessionStore conformance")
struct LiveSessionStoreConformanceTests {
    static let backends: [StoreBackend<any LiveSessionStore>] = [.sqlite { SQLiteLiveSessionStore($0) }]

    @Test(arguments: backends)
    func aRoomHasOneOpenSessionAndEachChangeIsJournaled(_ backend: StoreBackend<any LiveSessionStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let (r1, r2) = (Room(id: "r1", streamerID: "s1", title: "T", category: "c", createdAt: 0),
                            Room(id: "r2", streamerID: "s2", title: "T", category: "c", createdAt: 0))
            #expect(try await store.openSession(roomID: "r1") == nil)
            let opened = try #require(try await store.setLive(r1, on: true, game: "chess", at: 100))
            #expect(opened.roomID == "r1" && opened.streamerID == "s1" && opened.game == "chess" && opened.startedAt == 100 && opened.endedAt == nil)
            // Going live again keeps the open session.
            #expect(try await store.setLive(r1, on: true, game: "go", at: 200) == opened)
            #expect(try await store.openSession(roomID: "r1") == opened)
            _ = try await store.setLive(r2, on: true, game: "cards", at: 150)
            #expect(Set(try await store.openSessions().map(\.roomID)) == ["r1", "r2"])
            try await store.recordSamples([(sessionID: opened.id, viewers: 7)], at: 300)
            try await store.recordSamples([(sessionID: opened.id, viewers: 9)], at: 300)
            try await store.recordSamples([], at: 301)
            #expect(try await store.setLive(r1, on: false, game: nil, at: 400) == nil)
            #expect(try await store.setLive(r1, on: false, game: nil, at: 500) == nil)
            #expect(try await store.openSessions().map(\.roomID) == ["r2"])
            let started = try await facts(LiveSessions.startedType)
            let ended = try await facts(LiveSessions.endedType).map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
            }
            #expect(started.count == 2)
            #expect(ended.count == 1 && ended.first?["ended_at"] as? Int == 400 && ended.first?["room_id"] as? String == "r1")
        }
    }
}
