import Synchronization

/// Per-user and per-room token buckets. Idle (full) buckets are forgotten when the table
/// reaches `bucketsMax`, so memory stays bounded whatever the number of senders.
final class DanmakuRateLimiter: Sendable {
    private struct State {
        var users: [String: TokenBucket] = [:]
        var rooms: [String: TokenBucket] = [:]
    }

    private let state = Mutex(State())
    let limits: DanmakuLimits

    init(limits: DanmakuLimits) {
        self.limits = limits
    }

    /// Takes a user token, then a room token; refuses with the first limit that is empty.
    func admit(user: String, room: String, now: Int64) -> DanmakuRejection? {
        state.withLock { state in
            let userKey = room + "\u{0}" + user
            var userBucket = state.users[userKey]
                ?? TokenBucket(capacity: limits.userBurst, perSecond: limits.userPerSecond, now: now)
            guard userBucket.take(now: now) else {
                state.users[userKey] = userBucket
                return .rateLimited
            }
            state.users[userKey] = userBucket
            var roomBucket = state.rooms[room]
                ?? TokenBucket(capacity: limits.roomBurst, perSecond: limits.roomPerSecond, now: now)
            let admitted = roomBucket.take(now: now)
            state.rooms[room] = roomBucket
            if state.users.count > limits.bucketsMax {
                state.users = state.users.filter { !$0.value.isFull(now: now) }
            }
            if state.rooms.count > limits.bucketsMax {
                state.rooms = state.rooms.filter { !$0.value.isFull(now: now) }
            }
            return admitted ? nil : .roomBusy
        }
    }
}
