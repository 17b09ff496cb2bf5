import EngineCore
import Synchronization

/// The rooms of the platform, kept in a `RoomStore`.
public struct RoomDirectory: Sendable {
    /// Journal type of the fact appended when a room is created.
    public static let roomCreatedType = "room_created"
    /// Most rooms returned by one `list`.
    public static let listLimitMax = 500

    /// Most rooms `room(id:)` keeps in memory; past this the cache starts over.
    public static let knownMax = 100_000

    let store: any RoomStore
    let clock: any WallClock
    /// Rooms read before. A room is never changed or removed once created, so a room found
    /// stays true; ids not found are not remembered (the room may be created next).
    private let known = Known()

    private final class Known: Sendable {
        let rooms = Mutex<[String: Room]>([:])
    }

    /// Creates a directory.
    /// - Parameters: store: where rooms are kept; clock: creation timestamps.
    public init(store: any RoomStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Creates a room and appends a `room_created` fact (payload: the room) in one transaction.
    /// - Parameter new: the validated fields.
    /// - Returns: the stored room.
    /// - Throws: `RoomError.invalid` for a bad field, `RoomError.alreadyExists` for a taken id,
    ///   `RoomNumberError.taken` for an id that is a number another room holds.
    public func create(_ new: NewRoom) async throws -> Room {
        try RoomRules.check(new)
        let room = Room(
            id: new.id, streamerID: new.streamerID, title: new.title,
            category: new.category, createdAt: clock.nowMillis())
        switch try await store.insert(room) {
        case .created:
            return room
        case .idTaken:
            throw RoomError.alreadyExists(id: room.id)
        case .numberHeld(let holder):
            throw RoomNumberError.taken(number: room.id, roomID: holder)
        }
    }

    /// The room when it is already known here, without a read (nil: ask `room(id:)`).
    public func knownRoom(id: String) -> Room? {
        known.rooms.withLock { $0[id] }
    }

    /// The room with this id.
    /// - Throws: `RoomError.notFound`.
    public func room(id: String) async throws -> Room {
        if let room = knownRoom(id: id) { return room }
        guard let room = try await store.room(id: id) else { throw RoomError.notFound(id: id) }
        known.rooms.withLock { rooms in
            if rooms.count >= Self.knownMax { rooms.removeAll(keepingCapacity: true) }
            rooms[id] = room
        }
        return room
    }

    /// Rooms, newest first (ties by id).
    /// - Parameter limit: most rooms, 1...`listLimitMax` (100 by default).
    /// - Throws: `RoomError.invalidLimit`.
    public func list(limit: Int = 100) async throws -> [Room] {
        guard (1...Self.listLimitMax).contains(limit) else {
            throw RoomError.invalidLimit(limit, max: Self.listLimitMax)
        }
        return try await store.rooms(limit: limit)
    }
}
