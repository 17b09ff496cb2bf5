
/// A token bucket in integer milli-tokens, driven by the caller's clock: `capacity` tokens at
/// most, refilled at `perSecond`. Value type; the owner keeps it behind its lock.
public struct TokenBucket: Sendable, Equatable {
    /// Largest number of tokens (the burst).
    public let capacity: Int
    /// Tokens added per second.
    public let perSecond: Int
    private var milliTokens: Int64
    private var updatedAt: Int64

    /// A full bucket at time `now` (milliseconds).
    public init(capacity: Int, perSecond: Int, now: Int64) {
        precondition(capacity >= 1 && perSecond >= 1, "a bucket needs a capacity and a rate")
        self.capacity = capacity
        self.perSecond = perSecond
        self.milliTokens = Int64(capacity) * 1000
        self.updatedAt = now
    }

    /// Takes one token if there is one at time `now`.
    public mutating func take(now: Int64) -> Bool {
        if now > updatedAt {
            milliTokens = min(Int64(capacity) * 1000, milliTokens + (now - updatedAt) * Int64(perSecond))
            updatedAt = now
        }
        guard milliTokens >= 1000 else { return false }
        milliTokens -= 1000
        return true
    }

    /// Whether the bucket has been idle long enough to be full again (so it can be forgotten).
    public func isFull(now: Int64) -> Bool {
        milliTokens + max(0, now - updatedAt) * Int64(perSecond) >= Int64(capacity) * 1000
    }
}
