import Engine
import EngineCore
import Scripting
import Synchronization

/// The fake clock of a script test: it moves only when the test sets or advances it. The engine
/// of a case reads it for journal facts, ticks, claims, spins and ledger time.
public final class ScriptTestClock: WallClock, Sendable {
    /// Where every case starts: 2027-01-01T00:00:00Z.
    public static let startMillis: Int64 = 1_798_761_600_000

    private let now: Mutex<Int64>

    /// - Parameter millis: the starting time, milliseconds since the epoch.
    public init(millis: Int64 = ScriptTestClock.startMillis) { now = Mutex(millis) }

    /// The fake time, milliseconds since the epoch.
    public func nowMillis() -> Int64 { now.withLock { $0 } }

    /// Sets the time.
    public func set(millis: Int64) { now.withLock { $0 = millis } }

    /// Moves the time forward by `millis` (at least 0).
    public func advance(millis: Int64) {
        precondition(millis >= 0, "a test clock only moves forward by advance")
        now.withLock { $0 += millis }
    }

    /// Milliseconds since the epoch for an ISO 8601 time with an offset (`2027-01-20T10:00:00+08:00`).
    public static func parseTime(_ text: String) -> Int64? { Timestamps.millis(text) }

    /// Milliseconds in a duration such as `90s`, `30m`, `24h`, `7d`; nil when malformed.
    public static func parseDuration(_ text: String) -> Int64? {
        guard let seconds = Durations.seconds(text) else { return nil }
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : ms
    }
}
