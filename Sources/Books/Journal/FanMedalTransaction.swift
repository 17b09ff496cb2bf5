import Scripting

/// Fan medals inside a caller's transaction (a script's `ctx.fan_points` effect).
public protocol FanMedalTransaction: AnyObject {
    /// Adds up to `points` (less when `day`'s cap in `rule` is reached) to `viewer`'s medal for
    /// `streamer`, creating it on the first point, its level from `rule`'s table; returns the
    /// points actually added.
    @discardableResult
    func add(viewer: String, streamer: String, points: Int64, rule: FanMedalRule, day: String, now: Int64) throws -> Int64
}
