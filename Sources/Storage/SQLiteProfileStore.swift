import Books
import Engine
import GRDB
import Rooms

/// `ProfileStore` on the SQLite store: the `profiles` table.
public struct SQLiteProfileStore: ProfileStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func create(userID: String, at now: Int64) async throws -> Bool {
        try await store.write { db in
            try db.execute(
                sql: "INSERT INTO profiles (user_id, created_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
                arguments: [userID, now])
            guard db.changesCount > 0 else { return false }
            _ = try Journal.append(db, type: Profiles.profileCreatedType, payload: ["user_id": userID], at: now)
            return true
        }
    }
}
