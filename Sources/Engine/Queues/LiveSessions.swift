import GRDB

/// Live sessions: a room's streamer goes live (with the game played) and ends it. Each start
/// and end is journaled (`live_started`, `live_ended`) with the change; a room has at most one
/// open session. Sessions feed recommendations and, later, settlement.
public struct LiveSessions: Sendable {
    /// Journal types.
    public static let startedType = "live_started"
    public static let endedType = "live_ended"

    let store: Store
    let clock: any WallClock

    public init(store: Store, clock: any WallClock = SystemWallClock()) {
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
        let now = clock.nowMillis()
        return try await store.write { db in
            let open = try Self.open(db, roomID: room.id)
            if on, open == nil {
                try db.execute(
                    sql: "INSERT INTO live_sessions (room_id, streamer_id, game, started_at) VALUES (?, ?, ?, ?)",
                    arguments: [room.id, room.streamerID, game, now])
                let session = Session(
                    id: db.lastInsertedRowID, roomID: room.id, streamerID: room.streamerID, game: game ?? "", startedAt: now, endedAt: nil)
                _ = try Journal.append(db, type: Self.startedType, payload: session, at: now)
            } else if !on, var session = open {
                try db.execute(sql: "UPDATE live_sessions SET ended_at = ? WHERE id = ?", arguments: [now, session.id])
                session.endedAt = now
                _ = try Journal.append(db, type: Self.endedType, payload: session, at: now)
            }
            let session = try Self.open(db, roomID: room.id)
            return State(roomID: room.id, live: session != nil, session: session)
        }
    }

    /// The room's state now.
    public func state(_ room: Room) async throws -> State {
        let session = try await store.read { db in try Self.open(db, roomID: room.id) }
        return State(roomID: room.id, live: session != nil, session: session)
    }

    /// Records each open session's concurrent viewers now (`viewers(room)`).
    public func sample(viewers: @Sendable (String) -> Int64) async throws {
        let now = clock.nowMillis()
        let rooms = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, room_id FROM live_sessions WHERE ended_at IS NULL").map { ($0[0] as Int64, $0[1] as String) }
        }
        guard !rooms.isEmpty else { return }
        let counts = rooms.map { (id: $0.0, viewers: max(0, viewers($0.1))) }
        try await store.write { db in
            for c in counts {
                try db.execute(
                    sql: "INSERT INTO live_samples (session_id, at, viewers) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [c.id, now, c.viewers])
            }
        }
    }

    static func open(_ db: Database, roomID: String) throws -> Session? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, room_id, streamer_id, game, started_at FROM live_sessions WHERE room_id = ? AND ended_at IS NULL"),
            arguments: [roomID]
        ).map { Session(id: $0[0], roomID: $0[1], streamerID: $0[2], game: $0[3], startedAt: $0[4], endedAt: nil) }
    }
}
