/// A fan medal rule, as a script passes it to `ctx.fan_points`: points needed for each level
/// (ascending), and the most points one viewer earns per streamer per day. The medals themselves
/// (`FanMedals`) live in the engine.
public struct FanMedalRule: Sendable, Hashable {
    /// Most levels a rule's table may have.
    public static let levelsMax = 100
    /// Largest points value anywhere (a call's points, a cap, a threshold).
    public static let pointsMax: Int64 = 1_000_000_000_000

    public var dailyCap: Int64
    public var levels: [Int64]
    public init(dailyCap: Int64, levels: [Int64]) {
        self.dailyCap = dailyCap
        self.levels = levels
    }

    /// The level `points` reach: how many thresholds are at or below them.
    package func level(_ points: Int64) -> Int64 { Int64(levels.prefix(while: { $0 <= points }).count) }
}
