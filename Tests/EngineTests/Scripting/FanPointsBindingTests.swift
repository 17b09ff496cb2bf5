import Engine
import EngineTesting
@testable import Scripting
import Testing

/// `ctx.fan_points`: the rule from the fourth argument, or else from the declaration's config.
@Suite("ctx.fan_points rules")
struct FanPointsBindingTests {
    static func table(_ value: LuaValue) -> LuaTable { value.table ?? LuaTable() }
    static let config = table(["daily_cap": 2_000, "levels": [1, 100, 300], "title": "Fans"])

    @Test("without a rule, the config's daily_cap and levels are the rule (other config keys ignored)")
    func ruleFromConfig() async throws {
        let (ctx, result) = try await runGiftHandler("ctx.fan_points('v1', 's1', 50)", config: Self.config)
        _ = try result.get()
        #expect(ctx.effects == [.fanPoints(viewer: "v1", streamer: "s1", points: 50, rule: FanMedals.Rule(dailyCap: 2_000, levels: [1, 100, 300]))])
    }

    @Test("a rule given wins over the config")
    func ruleGiven() async throws {
        let (ctx, result) = try await runGiftHandler(
            "ctx.fan_points('v1', 's1', 5, { daily_cap = 10, levels = { 2, 4 } })", config: Self.config)
        _ = try result.get()
        #expect(ctx.effects == [.fanPoints(viewer: "v1", streamer: "s1", points: 5, rule: FanMedals.Rule(dailyCap: 10, levels: [2, 4]))])
    }

    @Test(
        "a bad rule or config is a Lua error naming which, and nothing is added",
        arguments: [
            ("ctx.fan_points('v1', 's1', 5)", LuaTable(), "bad argument #4 to 'fan_points' (config.daily_cap must be an integer 1...1000000000000)"),
            ("ctx.fan_points('v1', 's1', 5)", table(["daily_cap": 10]), "bad argument #4 to 'fan_points' (config.levels must be a list of 1...100 integers)"),
            ("ctx.fan_points('v1', 's1', 5)", table(["daily_cap": 10, "levels": [5, 5]]),
             "bad argument #4 to 'fan_points' (config.levels must be ascending integers 1...1000000000000)"),
            ("ctx.fan_points('v1', 's1', 5, { daily_cap = 0, levels = { 1 } })", Self.config,
             "bad argument #4 to 'fan_points' (rule.daily_cap must be an integer 1...1000000000000)"),
            ("ctx.fan_points('v1', 's1', 5, { daily_cap = 1, levels = { 1 }, extra = 1 })", Self.config,
             "bad argument #4 to 'fan_points' (rule has only daily_cap and levels)"),
            ("ctx.fan_points('v1', 's1', 5, 'rule')", Self.config, "bad argument #4 to 'fan_points' (table expected, got string)"),
        ] as [(String, LuaTable, String)])
    func badRules(_ statement: String, _ config: LuaTable, _ expected: String) async throws {
        let (ctx, result) = try await runGiftHandler(statement, config: config)
        let f = try #require(result.failure)
        #expect(f.detail == expected)
        #expect(ctx.effects.isEmpty)
    }
}
