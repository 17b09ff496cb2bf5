@testable import Engine
import EngineTesting
import Foundation
@testable import Scripting
import Testing

@Suite("Budgets")
struct BudgetTests {
    static var tight: ScriptLimits {
        var l = ScriptLimits()
        l.callInstructionsMax = 1_000_000
        l.vmMemoryBytesMax = 8 << 20
        return l
    }

    /// Calls the probe activity's gift handler with `{ mode = mode }`, for one result.
    static func callProbe(_ g: ScriptGeneration, mode: String) async -> Result<[LuaValue], ScriptFailure> {
        let address = ScriptAddress(.activity, "probe")
        do {
            return .success(try await g.withVM { vm in
                try vm.call(address, "on.gift", args: [["mode": .string(mode)]],
                    context: CallContext(script: address, nowMillis: 0, seed: 1), results: 1)
            })
        } catch let f as ScriptFailure { return .failure(f) } catch { return .failure(ScriptFailure(.runtime, path: "", detail: "\(error)")) }
    }

    @Test("an infinite loop is stopped by the instruction budget at its line")
    func infiniteLoop() async throws {
        let (_, result) = try await runGiftHandler("while true do end", limits: Self.tight)
        let f = try #require(result.failure)
        #expect(f.reason == .instructions)
        #expect(f.line == 6)
        #expect(f.path.hasSuffix("activities/probe.lua"))
        #expect(f.message.contains("instruction budget exceeded"))
    }

    @Test("a script's own pcall cannot swallow a budget kill")
    func pcallCannotSwallow() async throws {
        let (_, result) = try await runGiftHandler("""
            for i = 1, 100 do pcall(function() while true do end end) end
            return "escaped"
            """, limits: Self.tight)
        #expect(result.failure?.reason == .instructions)
    }

    @Test("a coroutine cannot hide a loop from the budget")
    func coroutineLoop() async throws {
        let (_, result) = try await runGiftHandler("""
            local co = coroutine.create(function() while true do end end)
            local ok = coroutine.resume(co)
            while true do end
            """, limits: Self.tight)
        #expect(result.failure?.reason == .instructions)
    }

    @Test("the wall-clock deadline stops a slow call")
    func deadline() async throws {
        var limits = ScriptLimits()
        limits.callInstructionsMax = 0
        limits.callTimeout = .milliseconds(50)
        let (_, result) = try await runGiftHandler("while true do end", limits: limits)
        #expect(result.failure?.reason == .deadline)
        #expect(result.failure?.message.contains("time budget exceeded") == true)
    }

    @Test("deep recursion is an error with a position, not a crash")
    func deepRecursion() async throws {
        let (_, result) = try await runGiftHandler("local function f(n) return 1 + f(n + 1) end return f(1)")
        let f = try #require(result.failure)
        #expect([.runtime, .memory, .instructions, .deadline].contains(f.reason))
        #expect(f.path.hasSuffix("activities/probe.lua"))
    }

    @Test("a string.rep memory bomb hits the memory cap")
    func stringRepBomb() async throws {
        // string.rep allocates its result before it charges the copying, so a result too big
        // for the VM is a memory kill, whatever the instruction budget.
        var limits = Self.tight
        limits.callInstructionsMax = 0
        let (_, result) = try await runGiftHandler("local s = string.rep('x', 1 << 30) return #s", limits: limits)
        #expect(result.failure?.reason == .memory)
    }

    @Test("unbounded table growth hits the memory cap even when caught")
    func tableGrowth() async throws {
        let (_, result) = try await runGiftHandler("""
            local ok = pcall(function() local t = {} for i = 1, 1e9 do t[i] = {i} end end)
            return ok
            """, limits: { () -> ScriptLimits in
                // Only memory may stop it: no instruction budget, and a deadline far beyond
                // what filling 8 MiB takes on a loaded machine.
                var l = Self.tight
                l.callInstructionsMax = 0
                l.callTimeout = .seconds(60)
                return l
            }())
        #expect(result.failure?.reason == .memory)
    }

    @Test("after every kind of kill the VM keeps serving")
    func vmSurvivesKills() async throws {
        let files = [ScriptFile(path: "activities/probe.lua", text: ScriptSamples.activity("""
            if gift.mode == "loop" then while true do end end
            if gift.mode == "memory" then local s = string.rep('x', 1 << 30) end
            return "fine"
            """))]
        let g = try ScriptGeneration.compile(files, api: .standard, limits: Self.tight, vmCount: 1).get()
        for mode in ["loop", "memory", "ok"] {
            let out = await Self.callProbe(g, mode: mode)
            if mode == "ok" { #expect(try out.get() == ["fine"]) } else { #expect(out.failure != nil) }
        }
    }

    @Test("garbage is not held against the memory cap, before or after a memory kill and the full collection after it")
    func garbageIsCollected() async throws {
        // Each call makes about 64 MiB of short-lived tables and strings, eight times the cap,
        // while holding almost nothing: the collector must keep up, whatever its mode, and must
        // still keep up after a kill at the cap (which is followed by a full collection).
        let files = [ScriptFile(path: "activities/probe.lua", text: ScriptSamples.activity("""
            if gift.mode == "memory" then local s = string.rep('x', 1 << 30) end
            local kept = 0
            for i = 1, 400000 do
              local t = { i, tostring(i), { i } }
              kept = kept + #t
            end
            return kept
            """))]
        var limits = Self.tight
        limits.callInstructionsMax = 0
        limits.callTimeout = .seconds(60)
        let g = try ScriptGeneration.compile(files, api: .standard, limits: limits, vmCount: 1).get()
        for mode in ["garbage", "garbage", "memory", "garbage", "garbage", "garbage"] {
            let out = await Self.callProbe(g, mode: mode)
            if mode == "memory" {
                #expect(out.failure?.reason == .memory)
            } else {
                #expect(try out.get() == [.integer(1_200_000)], "a call that only makes garbage is not killed")
            }
        }
    }

    @Test("loading a file runs under the load budget")
    func loadBudget() throws {
        var limits = Self.tight
        limits.loadInstructionsMax = 100_000
        let files = [ScriptFile(path: "activities/spin.lua", text: "while true do end\nreturn activity{ id = 'x' }")]
        let rejected = try #require(ScriptGeneration.compile(files, api: .standard, limits: limits).failure)
        #expect(rejected.problems.count == 1)
        #expect(rejected.problems[0].description.hasPrefix("Scripts/activities/spin.lua:1: instruction budget exceeded"))
    }

    @Test("a call waits for a VM up to a bound, then fails as overloaded")
    func overloaded() async throws {
        var limits = ScriptLimits()
        limits.vmWaitTimeout = .milliseconds(50)
        let files = [ScriptFile(path: "activities/probe.lua", text: ScriptSamples.activity("return 1"))]
        let g = try ScriptGeneration.compile(files, api: .standard, limits: limits, vmCount: 1).get()
        // Hold the only VM (as a long call would), then ask for another.
        let held = try await g.pool.acquire(path: "test")
        do {
            _ = try await g.withVM { _ in 0 }
            Issue.record("expected an overload")
        } catch let f as ScriptFailure {
            #expect(f.reason == .overloaded)
            #expect(f.kind == .unavailable)
        }
        g.pool.release(held)
        #expect(try await g.withVM { _ in 1 } == 1)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
