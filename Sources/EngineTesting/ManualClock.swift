import Engine
import EngineCore
import Synchronization

/// A wall clock that only moves when a test moves it.
public final class ManualClock: WallClock, Sendable {
    private let now: Mutex<Int64>

    /// Creates a clock at `nowMillis` (2023-11-14T22:13:20Z by default).
    public init(nowMillis: Int64 = 1_700_000_000_000) {
        now = Mutex(nowMillis)
    }

    /// The current manual time in milliseconds since the Unix epoch.
    public func nowMillis() -> Int64 {
        now.withLock { $0 }
    }

    /// Moves time forward (or back, with a negative amount) by `millis` milliseconds.
    public func advance(byMillis millis: Int64) {
        now.withLock { $0 += millis }
    }

    /// Moves time forward by `duration`, truncated to whole milliseconds.
    public func advance(by duration: Duration) {
        let parts = duration.components
        advance(byMillis: parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000)
    }

    /// Sets the time to `millis` milliseconds since the Unix epoch.
    public func set(millis: Int64) {
        now.withLock { $0 = millis }
    }
}
