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

    /// Vanity numbers, then ids. A segment with the shape of a number (`RoomNumberRules`:
    /// 3-9 digits, no leading zero) is looked up in the number table first; when no room holds
    /// that number, it is read as a room id, so a room whose id is all digits stays reachable
    /// by its id. The two never disagree: a number equal to another room's id cannot be
    /// assigned or listed, and a room cannot be created with the id of a held number.
    public static func idsAndNumbers(_ directory: RoomDirectory, _ numbers: RoomNumbers) -> RoomResolver {
        RoomResolver { segment in
            if let id = try await numbers.roomID(holding: segment) { return try await directory.room(id: id) }
            return try await room(id: segment, directory)
        }
    }

    private static func room(id segment: String, _ directory: RoomDirectory) async throws -> Room {
        guard (try? RoomRules.checkRoomID(segment)) != nil else { throw RoomError.notFound(id: segment) }
        return try await directory.room(id: segment)
    }
}
