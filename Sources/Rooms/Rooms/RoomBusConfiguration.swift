
/// Limits of the room bus.
public struct RoomBusConfiguration: Sendable {
    /// Default for `historyCountMax`.
    public static let historyCountMaxDefault = 1_000
    /// Default for `historyAgeMillisMax`: five minutes.
    public static let historyAgeMillisMaxDefault: Int64 = 5 * 60 * 1000

    /// Most events kept per room for resume; older ones are evicted first.
    public var historyCountMax: Int
    /// Oldest event kept per room, in milliseconds; older ones are evicted on the next publish or resume.
    public var historyAgeMillisMax: Int64

    /// - Parameters:
    ///   - historyCountMax: events kept per room, at least 1.
    ///   - historyAgeMillisMax: age limit in milliseconds, at least 1.
    public init(
        historyCountMax: Int = RoomBusConfiguration.historyCountMaxDefault,
        historyAgeMillisMax: Int64 = RoomBusConfiguration.historyAgeMillisMaxDefault
    ) {
        precondition(historyCountMax >= 1, "historyCountMax must be at least 1")
        precondition(historyAgeMillisMax >= 1, "historyAgeMillisMax must be at least 1")
        self.historyCountMax = historyCountMax
        self.historyAgeMillisMax = historyAgeMillisMax
    }
}
