import EngineTesting
import Foundation
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

/// What every `RoomStore`, `FollowStore` and `ProfileStore` backend must do (see the protocols' doc comments).
@Suite("RoomStore, FollowStore and ProfileStore conformance")
struct RoomsStoreConformanceTests {
    static let follows: [StoreBackend<any FollowStore>] = [.sqlite { SQLiteFollowStore($0) }]
    static let profiles: [StoreBackend<any ProfileStore>] = [.sqlite { SQLiteProfileStore($0) }]
    static let rooms: [StoreBackend<any RoomStore>] = [.sqlite { SQLiteRoomStore($0) }]

    static func room(_ id: String, streamer: String) -> Room {
        Room(id: id, streamerID: streamer, title: "T", category: "c", createdAt: 0)
    }

    static func decoded(_ facts: [String]) -> [[String: Any]] {
        facts.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
    }

    @Test(arguments: follows)
    func followUnfollowAndFollowAgain(_ backend: StoreBackend<any FollowStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let r1 = Self.room("r1", streamer: "s1")
            let followed = Follows.State(streamerID: "s1", following: true, since: 100, followers: 1)
            #expect(try await store.follow(viewer: "v1", room: r1, at: 100, followsMax: 10) == .followed(followed))
            // Following again changes nothing, not even the time.
            #expect(try await store.follow(viewer: "v1", room: r1, at: 200, followsMax: 10) == .alreadyFollowing(followed))
            #expect(try await store.state(viewer: "v1", streamer: "s1") == followed)
            #expect(try await store.state(viewer: "v2", streamer: "s1")
                == Follows.State(streamerID: "s1", following: false, since: nil, followers: 1))
            let dropped = Follows.State(streamerID: "s1", following: false, since: nil, followers: 0)
            #expect(try await store.unfollow(viewer: "v1", room: r1, at: 300) == dropped)
            #expect(try await store.unfollow(viewer: "v1", room: r1, at: 350) == dropped)
            #expect(try await store.follow(viewer: "v1", room: r1, at: 400, followsMax: 10)
                == .followed(Follows.State(streamerID: "s1", following: true, since: 400, followers: 1)))
            let follows = Self.decoded(try await facts(Follows.followType))
            #expect(follows.map { $0["first"] as? Bool } == [true, false])
            #expect(follows.first?["viewer_id"] as? String == "v1" && follows.first?["streamer_id"] as? String == "s1"
                && follows.first?["room_id"] as? String == "r1")
            let unfollows = Self.decoded(try await facts(Follows.unfollowType))
            #expect(unfollows.count == 1 && unfollows.first?["room_id"] as? String == "r1")
        }
    }

    @Test(arguments: follows)
    func theLimitChangesNothing(_ backend: StoreBackend<any FollowStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            for s in ["s1", "s2"] {
                _ = try await store.follow(viewer: "v1", room: Self.room("r-\(s)", streamer: s), at: 1, followsMax: 2)
            }
            #expect(try await store.follow(viewer: "v1", room: Self.room("r-s3", streamer: "s3"), at: 2, followsMax: 2) == .limitReached)
            #expect(try await store.state(viewer: "v1", streamer: "s3").following == false)
            // Following one already followed is not refused at the limit.
            #expect(try await store.follow(viewer: "v1", room: Self.room("r-s1", streamer: "s1"), at: 3, followsMax: 2)
                == .alreadyFollowing(Follows.State(streamerID: "s1", following: true, since: 1, followers: 1)))
            // An unfollow makes room.
            _ = try await store.unfollow(viewer: "v1", room: Self.room("r-s2", streamer: "s2"), at: 4)
            #expect(try await store.follow(viewer: "v1", room: Self.room("r-s3", streamer: "s3"), at: 5, followsMax: 2)
                == .followed(Follows.State(streamerID: "s3", following: true, since: 5, followers: 1)))
            #expect(try await facts(Follows.followType).count == 3)
        }
    }

    @Test(arguments: profiles)
    func aProfileIsCreatedOnce(_ backend: StoreBackend<any ProfileStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            #expect(try await store.create(userID: "u1", at: 10))
            #expect(try await store.create(userID: "u1", at: 20) == false)
            #expect(try await store.create(userID: "u2", at: 30))
            #expect(Self.decoded(try await facts(Profiles.profileCreatedType)).map { $0["user_id"] as? String } == ["u1", "u2"])
        }
    }

    @Test(arguments: rooms)
    func roomsAreCreatedOnceAndListedNewestFirst(_ backend: StoreBackend<any RoomStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let (a, b, c) = (Room(id: "b", streamerID: "s1", title: "B", category: "c", createdAt: 10),
                             Room(id: "a", streamerID: "s2", title: "A", category: "c", createdAt: 10),
                             Room(id: "z", streamerID: "s1", title: "Z", category: "c", createdAt: 5))
            for room in [a, b, c] { #expect(try await store.insert(room) == .created) }
            #expect(try await store.insert(Room(id: "b", streamerID: "s9", title: "X", category: "c", createdAt: 20)) == .idTaken)
            #expect(try await store.room(id: "b") == a)
            #expect(try await store.room(id: "nope") == nil)
            #expect(try await store.rooms(limit: 10).map(\.id) == ["a", "b", "z"])
            #expect(try await store.rooms(limit: 2).map(\.id) == ["a", "b"])
            let created = Self.decoded(try await facts(RoomDirectory.roomCreatedType))
            #expect(created.map { $0["id"] as? String } == ["b", "a", "z"])
        }
    }
}
