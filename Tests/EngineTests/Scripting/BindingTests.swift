import Engine
import EngineTesting
@testable import Scripting
import Testing

@Suite("Typed bindings")
struct BindingTests {
    @Test(
        "bad arguments give Lua-style errors at the script's line",
        arguments: [
            ("ctx.grant('u1', 'coins', 'ten', 'memo')", "bad argument #3 to 'grant' (integer expected, got string)"),
            ("ctx.grant('u1', 'coins', 1.5, 'memo')", "bad argument #3 to 'grant' (number has no integer representation)"),
            ("ctx.grant(nil, 'coins', 1, 'memo')", "bad argument #1 to 'grant' (string expected, got nil)"),
            ("ctx.grant('u1', 'coins', 1)", "bad argument #4 to 'grant' (string expected, got no value)"),
            ("ctx.grant('u1', 'coins', -5, 'memo')", "bad argument #3 to 'grant' (amount must be positive, got -5)"),
            ("ctx.grant('u1', 'coins', 0, 'memo')", "bad argument #3 to 'grant' (amount must be positive, got 0)"),
            ("ctx.grant('u1', 12, 1, 'memo')", "bad argument #2 to 'grant' (string expected, got number)"),
            ("ctx.random(0)", "bad argument #1 to 'random' (must be at least 1)"),
            ("ctx.broadcast('room', 'text')", "bad argument #2 to 'broadcast' (table expected, got string)"),
            ("ctx.emit('t', { f = print })", "bad argument #2 to 'emit' (function values cannot leave a script)"),
            ("ctx.notify('u', string.rep('x', 501))", "bad argument #2 to 'notify' (longer than 500 bytes)"),
        ])
    func badArguments(_ statement: String, _ expected: String) async throws {
        let (ctx, result) = try await runGiftHandler(statement)
        let f = try #require(result.failure)
        #expect(f.reason == .runtime)
        #expect(f.line == 6)
        #expect(f.detail == expected)
        #expect(ctx.effects.isEmpty)
    }

    @Test("64-bit integers cross exactly, never through a double")
    func int64Exact() async throws {
        let big: Int64 = 9_007_199_254_740_993  // 2^53 + 1, not representable as a Double
        let (ctx, result) = try await runGiftHandler(
            "ctx.grant('u1', 'coins', gift.amount, 'big') return gift.amount + 0",
            event: ["amount": .integer(big)])
        #expect(try result.get() == [.integer(big)])
        #expect(ctx.effects == [.grant(user: "u1", asset: "coins", amount: big, memo: "big")])
    }

    @Test("effects are recorded in order and the seeded random is reproducible")
    func effectsAndRandom() async throws {
        let body = """
            ctx.grant(gift.sender_id, "coins", 10, "hello")
            ctx.notify(gift.sender_id, "thanks")
            ctx.emit("custom", { n = 1 })
            return ctx.random(1000000)
            """
        let (a, ra) = try await runGiftHandler(body)
        let (b, rb) = try await runGiftHandler(body)
        #expect(try ra.get() == rb.get())
        #expect(a.draws == b.draws)
        #expect(a.effects == [
            .grant(user: "u1", asset: "coins", amount: 10, memo: "hello"),
            .notify(user: "u1", text: "thanks"),
            .emit(type: "custom", payload: ["n": 1]),
        ])
    }

    @Test("the effect cap is enforced")
    func effectCap() async throws {
        var limits = ScriptLimits()
        limits.effectsPerCallMax = 3
        let (_, result) = try await runGiftHandler("for i = 1, 4 do ctx.notify('u', 'x') end", limits: limits)
        #expect(result.failure?.detail.contains("too many effects") == true)
    }

    @Test("ctx functions refuse to run outside a handler")
    func ctxOutsideHandler() throws {
        let text = "local n = 0\nreturn activity { id = 'x', on = { gift = function(ctx) n = ctx.now() end } }"
        // ctx is a handler argument, so a file cannot call it at load time; constructors can be.
        #expect(throws: Never.self) {
            _ = try ScriptGeneration.compile([ScriptFile(path: "activities/x.lua", text: text)], api: .standard,
                limits: ScriptLimits(), vmCount: 1).get()
        }
    }
}
