/// Fan medals inside a caller's transaction (a script's `ctx.fan_points` effect).
public protocol FanMedalTransaction: AnyObject {
    /// Adds `points` to the viewer's medal for `streamer` under `rule`'s daily cap for `day`;
    /// returns the points actually added (`FanMedals.add`).
    @discardableResult
    func add(viewer: String, streamer: String, points: Int64, rule: FanMedals.Rule, day: String, now: Int64) throws -> Int64
}
