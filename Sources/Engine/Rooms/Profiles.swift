import GRDB

/// User profiles, created on a user's first use of the platform.
public struct Profiles: Sendable {
    /// Journal type of the fact appended when a profile is created.
    public static let profileCreatedType = "profile_created"

    let store: Store
    let clock: any WallClock

    /// Creates the profiles service.
    /// - Parameters: store: the database; clock: creation timestamps.
    public init(store: Store, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Creates the user's profile unless it exists; safe to call on every request.
    /// The first call also appends a `profile_created` fact in the same transaction.
    /// - Parameter userID: 1-64 characters of `[A-Za-z0-9_-]`.
    /// - Returns: `true` when this call created the profile.
    /// - Throws: `RoomError.invalid(.userID, ...)`.
    public func ensure(userID: String) async throws -> Bool {
        try RoomRules.checkAccountID(userID, field: .userID)
        let now = clock.nowMillis()
        return try await store.write { db in
            try db.execute(
                sql: "INSERT INTO profiles (user_id, created_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
                arguments: [userID, now])
            guard db.changesCount > 0 else { return false }
            _ = try Journal.append(db, type: Self.profileCreatedType, payload: ["user_id": userID], at: now)
            return true
        }
    }
}
