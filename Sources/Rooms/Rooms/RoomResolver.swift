
/// Turns what a client wrote in a URL (`{room}`: a room id or a vanity number) into the room.
/// The one place this resolution lives: every route that takes `{room}`, and the WebSocket
/// path, use it; what they answer carries the room's canonical id.
public struct RoomResolver: Sendable {
    /// Resolves a path segment to a room.
    /// - Throws: `RoomError.notFound` when nothing matches.
    public let resolve: @Sendable (String) async throws -> Room

    /// - Parameter resolve: the resolution; throws `RoomError.notFound` for unknown rooms.
    public init(resolve: @escaping @Sendable (String) async throws -> Room) {
        self.resolve = resolve
    }

    /// The room whose id is `segment`.
    /// - Throws: `RoomError.notFound` for a malformed or unknown id.
    package static func room(id segment: String, _ directory: RoomDirectory) async throws -> Room {
        guard (try? RoomRules.checkRoomID(segment)) != nil else { throw RoomError.notFound(id: segment) }
        return try await directory.room(id: segment)
    }
}
