import Books
import Engine
import GRDB
import Rooms

/// `LiveSessionStore` on the SQLite store: `live_sessions` and `live_samples`.
public struct SQLiteLiveSessionStore: LiveSessionStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func setLive(_ room: Room, on: Bool, game: String?, at now: Int64) async throws -> LiveSessions.Session? {
        try await store.write { db in
            let open = try Self.open(db, roomID: room.id)
            if on, open == nil {
                try db.execute(
                    sql: "INSERT INTO live_sessions (room_id, streamer_id, game, started_at) VALUES (?, ?, ?, ?)",
                    arguments: [room.id, room.streamerID, game, now])
                let session = LiveSessions.Session(
                    id: db.lastInsertedRowID, roomID: room.id, streamerID: room.streamerID, game: game ?? "", startedAt: now, endedAt: nil)
                _ = try Journal.append(db, type: LiveSessions.startedType, payload: session, at: now)
            } else if !on, var session = open {
                try db.execute(sql: "UPDATE live_sessions SET ended_at = ? WHERE id = ?", arguments: [now, session.id])
                session.endedAt = now
                _ = try Journal.append(db, type: LiveSessions.endedType, payload: session, at: now)
            }
            return try Self.open(db, roomID: room.id)
        }
    }

    public func openSession(roomID: String) async throws -> LiveSessions.Session? {
        try await store.read { db in try Self.open(db, roomID: roomID) }
    }

    public func openSessions() async throws -> [LiveSessions.Session] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, room_id, streamer_id, game, started_at FROM live_sessions WHERE ended_at IS NULL")
                .map(Self.session(row:))
        }
    }

    public func recordSamples(_ samples: [(sessionID: Int64, viewers: Int64)], at now: Int64) async throws {
        guard !samples.isEmpty else { return }
        try await store.write { db in
            for s in samples {
                try db.execute(
                    sql: "INSERT INTO live_samples (session_id, at, viewers) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [s.sessionID, now, s.viewers])
            }
        }
    }

    static func open(_ db: Database, roomID: String) throws -> LiveSessions.Session? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, room_id, streamer_id, game, started_at FROM live_sessions WHERE room_id = ? AND ended_at IS NULL"),
            arguments: [roomID]
        ).map(session(row:))
    }

    static func session(row: Row) -> LiveSessions.Session {
        LiveSessions.Session(id: row[0], roomID: row[1], streamerID: row[2], game: row[3], startedAt: row[4], endedAt: nil)
    }
}
