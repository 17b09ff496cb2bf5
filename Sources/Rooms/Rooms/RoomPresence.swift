import Synchronization

/// How many people are connected to a room in this process: the realtime host attaches its
/// count (its connections per room); the engine samples it (live sessions' concurrent viewers).
/// Zero for every room until a host attaches.
public final class RoomPresence: Sendable {
    private let counter = Mutex<(@Sendable (String) -> Int)?>(nil)

    public init() {}

    /// Makes `count` the answer of `count(room:)`.
    public func attach(_ count: @escaping @Sendable (String) -> Int) {
        counter.withLock { $0 = count }
    }

    /// Connections to `room` now.
    public func count(room: String) -> Int {
        let count = counter.withLock { $0 }
        return count?(room) ?? 0
    }
}
