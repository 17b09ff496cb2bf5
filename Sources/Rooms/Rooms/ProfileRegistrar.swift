import Synchronization

/// Creates a user's profile row on first use without a database write per request: users seen
/// since start are remembered (up to `rememberedMax`, then the memory starts over; a repeat
/// `ensure` is an idempotent no-op write, so forgetting costs one write, never a wrong result).
public final class ProfileRegistrar: Sendable {
    /// Users remembered before the set is cleared.
    public static let rememberedMax = 100_000

    let profiles: Profiles
    private let seen = Mutex(Set<String>())

    /// - Parameter profiles: the profile table.
    public init(profiles: Profiles) { self.profiles = profiles }

    /// Whether `userID` is known to have a profile (seen since start), without a write.
    public func isKnown(userID: String) -> Bool {
        seen.withLock { $0.contains(userID) }
    }

    /// Ensures `userID` has a profile.
    public func ensure(userID: String) async throws {
        if isKnown(userID: userID) { return }
        _ = try await profiles.ensure(userID: userID)
        seen.withLock { s in
            if s.count >= Self.rememberedMax { s.removeAll(keepingCapacity: true) }
            s.insert(userID)
        }
    }
}
