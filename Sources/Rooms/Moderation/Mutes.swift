import Synchronization

/// Room mutes with expiry, kept in the `ModerationStore` and mirrored in memory so the danmaku
/// path never reads the database. Each mute is also journaled (`danmaku_mute`).
public final class Mutes: Sendable {
    /// Journal type of a mute.
    public static let journalType = "danmaku_mute"

    private let cache = Mutex<[String: Int64]>([:])
    let store: any ModerationStore

    /// Loads the unexpired mutes.
    /// - Throws: the store's errors.
    public init(store: any ModerationStore, now: Int64) async throws {
        self.store = store
        let mutes = try await store.mutes(activeAt: now)
        cache.withLock { cache in
            for mute in mutes { cache[Self.key(mute.room, mute.userID)] = mute.untilMillis }
        }
    }

    /// Mutes `userID` in `room` until `untilMillis` (replacing any earlier mute).
    /// - Throws: the store's errors (nothing changes).
    public func mute(room: String, userID: String, untilMillis: Int64, by moderator: String, now: Int64) async throws {
        try await store.saveMute(RoomMute(room: room, userID: userID, untilMillis: untilMillis, by: moderator), at: now)
        cache.withLock { $0[Self.key(room, userID)] = untilMillis }
    }

    /// Whether `userID` is muted in `room` at `now`.
    public func isMuted(room: String, userID: String, now: Int64) -> Bool {
        cache.withLock { cache in
            let key = Self.key(room, userID)
            guard let until = cache[key] else { return false }
            if until > now { return true }
            cache[key] = nil
            return false
        }
    }

    private static func key(_ room: String, _ user: String) -> String { room + "\u{0}" + user }
}
