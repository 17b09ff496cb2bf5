import EngineCore
import Rooms

/// Live sessions: a room's streamer goes live (with the game played) and ends it. Each start
/// and end is journaled (`live_started`, `live_ended`) with the change; a room has at most one
/// open session. Sessions feed recommendations and, later, settlement.
public struct LiveSessions: Sendable {
    /// Journal types.
    public static let startedType = "live_started"
    public static let endedType = "live_ended"

    let store: any LiveSessionStore
    let clock: any WallClock

    public init(store: any LiveSessionStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// A session, open or ended.
    public struct Session: Sendable, Codable, Equatable {
        public var id: Int64
        public var roomID: String
        public var streamerID: String
        public var game: String
        public var startedAt: Int64
        public var endedAt: Int64?

        package init(
            id: Int64, roomID: String, streamerID: String, game: String, startedAt: Int64, endedAt: Int64? = nil
        ) {
            self.id = id
            self.roomID = roomID
            self.streamerID = streamerID
            self.game = game
            self.startedAt = startedAt
            self.endedAt = endedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, game
            case roomID = "room_id"
            case streamerID = "streamer_id"
            case startedAt = "started_at"
            case endedAt = "ended_at"
        }
    }

    /// Whether a room is live, and its open session.
    public struct State: Sendable, Codable, Equatable {
        public var roomID: String
        public var live: Bool
        public var session: Session?

        enum CodingKeys: String, CodingKey {
            case live, session
            case roomID = "room_id"
        }
    }

    /// Starts (`on`) or ends the room's session. Starting while live, or ending while not, changes
    /// nothing and answers the state as it is.
    /// - Throws: `RequestError` 403 `not_room_streamer`, 400 `invalid_game` (starting needs one).
    public func set(_ room: Room, by actor: Principal, on: Bool, game: String?) async throws -> State {
        try Queues.requireManager(room, actor)
        if on { try Queues.checkGame(game) }
        let session = try await store.setLive(room, on: on, game: game, at: clock.nowMillis())
        return State(roomID: room.id, live: session != nil, session: session)
    }

    /// The room's state now.
    public func state(_ room: Room) async throws -> State {
        let session = try await store.openSession(roomID: room.id)
        return State(roomID: room.id, live: session != nil, session: session)
    }

    /// Records each open session's concurrent viewers now (`viewers(room)`).
    public func sample(viewers: @Sendable (String) -> Int64) async throws {
        let now = clock.nowMillis()
        let open = try await store.openSessions()
        try await store.recordSamples(open.map { (sessionID: $0.id, viewers: max(0, viewers($0.roomID))) }, at: now)
    }
}
