
/// Where rooms are kept. A room is never changed or removed once created.
///
/// For implementers: `insert` is one transaction: `.idTaken` when a room has this id,
/// `.numberHeld` when the id is a vanity number a room holds (the resolver reads such a segment
/// as the number first), changing nothing for either; otherwise it stores the room and journals
/// `room_created` (`RoomDirectory.roomCreatedType`, the room as payload) at its `createdAt`.
/// `rooms(limit:)` answers the newest first, ties by id. Every backend runs
/// `RoomsStoreConformanceTests`.
public protocol RoomStore: Sendable {
    func insert(_ room: Room) async throws -> RoomInsertOutcome
    func room(id: String) async throws -> Room?
    func rooms(limit: Int) async throws -> [Room]
}

/// What `RoomStore.insert` did.
public enum RoomInsertOutcome: Sendable, Equatable {
    case created
    case idTaken
    /// The id is a vanity number that room holds.
    case numberHeld(by: String)
}
