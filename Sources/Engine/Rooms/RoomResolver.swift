/// Turns what a client wrote in a URL (`{room}`: a room id, later also a vanity number) into
/// the room. The one place this resolution lives: every route that takes `{room}` uses it.
public struct RoomResolver: Sendable {
    /// Resolves a path segment to a room.
    /// - Throws: `RoomError.notFound` when nothing matches.
    public let resolve: @Sendable (String) async throws -> Room

    /// - Parameter resolve: the resolution; throws `RoomError.notFound` for unknown rooms.
    public init(resolve: @escaping @Sendable (String) async throws -> Room) {
        self.resolve = resolve
    }

    /// Room ids only: the segment is looked up as an id in `directory`. Vanity numbers plug in
    /// here (numeric segment → vanity table → id) without touching any route.
    public static func ids(_ directory: RoomDirectory) -> RoomResolver {
        RoomResolver { segment in
            guard (try? RoomRules.checkRoomID(segment)) != nil else { throw RoomError.notFound(id: segment) }
            return try await directory.room(id: segment)
        }
    }
}
