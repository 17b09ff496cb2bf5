@testable import Books
import EngineTesting
import GRDB
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

@Suite struct RoomsDirectoryTests {
    static let valid = NewRoom(id: "r1", streamerID: "streamer_1", title: "Friday karaoke", category: "music")

    @Test func createsARoomAndJournalsTheFactInTheSameTransaction() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let clock = ManualClock(nowMillis: 42_000)
            let rooms = RoomDirectory(store: SQLiteRoomStore(store), clock: clock)
            let room = try await rooms.create(Self.valid)
            #expect(room == Room(id: "r1", streamerID: "streamer_1", title: "Friday karaoke", category: "music", createdAt: 42_000))
            #expect(try await rooms.room(id: "r1") == room)

            let facts = try await store.read { db in try Journal.read(db, after: 0, limit: 10) }
            #expect(facts.count == 1)
            #expect(facts[0].type == "room_created" && facts[0].createdAt == 42_000)
            #expect(try facts[0].decodePayload(as: Room.self) == room)
            #expect(facts[0].payload.contains("\"streamer_id\":\"streamer_1\""))
        }
    }

    @Test func aDuplicateIdIsAConflictAndWritesNothing() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let rooms = RoomDirectory(store: SQLiteRoomStore(store))
            _ = try await rooms.create(Self.valid)
            var again = Self.valid
            again.title = "Another"
            await #expect(throws: RoomError.alreadyExists(id: "r1")) { try await rooms.create(again) }
            #expect(RoomError.alreadyExists(id: "r1").kind == .conflict)
            #expect(try await rooms.room(id: "r1").title == "Friday karaoke")
            #expect(try await store.journalCount() == 1)
        }
    }

    @Test func anUnknownRoomIsNotFound() async throws {
        try await TemporaryDatabase.with { tmp in
            let rooms = RoomDirectory(store: SQLiteRoomStore(try tmp.openStore()))
            await #expect(throws: RoomError.notFound(id: "nope")) { try await rooms.room(id: "nope") }
            #expect(RoomError.notFound(id: "nope").kind == .notFound)
        }
    }

    @Test func listsNewestFirstWithinALimit() async throws {
        try await TemporaryDatabase.with { tmp in
            let clock = ManualClock()
            let rooms = RoomDirectory(store: SQLiteRoomStore(try tmp.openStore()), clock: clock)
            for id in ["a", "b", "c"] {
                var new = Self.valid
                new.id = id
                _ = try await rooms.create(new)
                clock.advance(byMillis: 1)
            }
            #expect(try await rooms.list().map(\.id) == ["c", "b", "a"])
            #expect(try await rooms.list(limit: 2).map(\.id) == ["c", "b"])
            for limit in [0, RoomDirectory.listLimitMax + 1] {
                await #expect(throws: RoomError.invalidLimit(limit, max: RoomDirectory.listLimitMax)) {
                    try await rooms.list(limit: limit)
                }
            }
        }
    }

    @Test func ensuresAProfileOnce() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let profiles = Profiles(store: SQLiteProfileStore(store))
            #expect(try await profiles.ensure(userID: "viewer-9"))
            #expect(try await profiles.ensure(userID: "viewer-9") == false)
            #expect(try await store.journalCount() == 1)
            for bad in ["", "has space", String(repeating: "u", count: 65)] {
                await #expect { try await profiles.ensure(userID: bad) } throws: {
                    ($0 as? RoomError)?.code == "invalid_user_id"
                }
            }
        }
    }
}
