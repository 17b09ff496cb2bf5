import Books
import Engine
import GRDB
import Rooms

/// `RoomStore` on the SQLite store: the `rooms` table.
public struct SQLiteRoomStore: RoomStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func insert(_ room: Room) async throws -> RoomInsertOutcome {
        try await store.write { db in
            let taken = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM rooms WHERE id = ?)", arguments: [room.id])
            guard taken != true else { return .idTaken }
            if let holder = try String.fetchOne(db, sql: "SELECT room_id FROM room_numbers WHERE number = ?", arguments: [room.id]) {
                return .numberHeld(by: holder)
            }
            try db.execute(
                sql: "INSERT INTO rooms (id, streamer_id, title, category, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [room.id, room.streamerID, room.title, room.category, room.createdAt])
            _ = try Journal.append(db, type: RoomDirectory.roomCreatedType, payload: room, at: room.createdAt)
            return .created
        }
    }

    public func room(id: String) async throws -> Room? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM rooms WHERE id = ?", arguments: [id]).map(Self.room(row:))
        }
    }

    public func rooms(limit: Int) async throws -> [Room] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rooms ORDER BY created_at DESC, id LIMIT ?", arguments: [limit]).map(Self.room(row:))
        }
    }

    static func room(row: Row) -> Room {
        Room(id: row["id"], streamerID: row["streamer_id"], title: row["title"], category: row["category"], createdAt: row["created_at"])
    }
}
