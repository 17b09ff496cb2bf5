import Foundation

/// Wall-clock time in milliseconds since the Unix epoch, injected so tests move time by hand.
public protocol WallClock: Sendable {
    /// The current time, in milliseconds since 1970-01-01T00:00:00Z.
    func nowMillis() -> Int64
}

/// The system's wall clock.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}

    /// The current system time in milliseconds since the Unix epoch.
    public func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
