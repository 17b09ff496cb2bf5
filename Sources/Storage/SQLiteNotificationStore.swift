import Engine
import GRDB

/// `NotificationStore` on the SQLite store: the `notifications` table.
public struct SQLiteNotificationStore: NotificationStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func notifications(user: String, olderThan: Int64, limit: Int) async throws -> (items: [Notifications.Item], unread: Int64) {
        try await store.read { db in
            let items = try Row.fetchAll(
                db, sql: """
                    SELECT id, text, origin, created_at, read_at IS NOT NULL FROM notifications
                    WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?
                    """, arguments: [user, olderThan, limit]
            ).map { Notifications.Item(id: $0[0], text: $0[1], origin: $0[2], createdAt: $0[3], read: $0[4]) }
            return (items, try Self.unread(db, user: user))
        }
    }

    public func markRead(user: String, upTo: Int64, at now: Int64) async throws -> Int64 {
        try await store.write { db in
            try db.execute(
                sql: "UPDATE notifications SET read_at = ? WHERE user_id = ? AND id <= ? AND read_at IS NULL", arguments: [now, user, upTo])
            return try Self.unread(db, user: user)
        }
    }

    static func unread(_ db: Database, user: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", arguments: [user]) ?? 0
    }
}
