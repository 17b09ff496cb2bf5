import EngineCore

/// User profiles, created on a user's first use of the platform.
public struct Profiles: Sendable {
    /// Journal type of the fact appended when a profile is created.
    public static let profileCreatedType = "profile_created"

    let store: any ProfileStore
    let clock: any WallClock

    /// Creates the profiles service.
    /// - Parameters: store: where profiles are kept; clock: creation timestamps.
    public init(store: any ProfileStore, clock: any WallClock = SystemWallClock()) {
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
        return try await store.create(userID: userID, at: clock.nowMillis())
    }
}

/// Where profiles are kept.
///
/// For implementers: `create` is one transaction: when no profile of `userID` exists, it stores
/// one created at `now` and journals `profile_created` (`Profiles.profileCreatedType`, payload
/// `{"user_id"}`) with it, and answers true; otherwise it changes nothing and answers false.
/// Every backend runs `ProfileStoreConformanceTests`.
public protocol ProfileStore: Sendable {
    func create(userID: String, at now: Int64) async throws -> Bool
}
