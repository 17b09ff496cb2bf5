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

    /// Ensures `userID` has a profile.
    public func ensure(userID: String) async throws {
        if seen.withLock({ $0.contains(userID) }) { return }
        _ = try await profiles.ensure(userID: userID)
        seen.withLock { s in
            if s.count >= Self.rememberedMax { s.removeAll(keepingCapacity: true) }
            s.insert(userID)
        }
    }
}
