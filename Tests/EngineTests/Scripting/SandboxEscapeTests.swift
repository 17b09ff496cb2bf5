@testable import Engine
import EngineTesting
import Foundation
@testable import Scripting
import Testing

/// Attacks on the budgets found by trying the sandbox as an attacker would: finalizers, nested
/// coroutines, and errors that lost the operator's file. Each failed before its fix.
@Suite("Sandbox escapes")
struct SandboxEscapeTests {
    static var limits: ScriptLimits {
        var l = ScriptLimits()
        l.callInstructionsMax = 0
        l.callTimeout = .milliseconds(200)
        l.loadTimeout = .milliseconds(500)
        return l
    }

    /// Runs `body` as a gift handler and returns the failure with the wall time it took.
    func timed(_ body: String, limits: ScriptLimits = Self.limits) async throws -> (ScriptFailure?, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let (_, result) = try await runGiftHandler(body, limits: limits)
        return (result.failure, clock.now - start)
    }

    @Test("setmetatable refuses a metatable with __gc, whatever its value, naming the line")
    func finalizerRefused() async throws {
        for value in ["function() while true do end end", "true", "0"] {
            let (failure, _) = try await timed("setmetatable({}, { __gc = \(value) })")
            let f = try #require(failure)
            #expect(f.reason == .runtime)
            #expect(f.path.hasSuffix("activities/probe.lua"))
            #expect(f.line == 6)
            #expect(f.message.contains("__gc finalizers are not allowed"))
        }
    }

    @Test("a __gc added after setmetatable never runs (the object was not marked for finalization)")
    func finalizerAddedLater() async throws {
        // Enough garbage for several collections; a deadline no loaded machine misses, since a
        // finalizer that did run would loop with hooks off, past any deadline.
        var limits = Self.limits
        limits.callTimeout = .seconds(10)
        let (failure, elapsed) = try await timed("""
            local mt = {}
            for i = 1, 1000 do setmetatable({}, mt) end
            mt.__gc = function() while true do end end
            local junk = {}
            for i = 1, 50000 do junk[i % 100 + 1] = { i } end
            return "done"
            """, limits: limits)
        #expect(failure == nil)
        #expect(elapsed < .seconds(5))
    }

    @Test("a file that sets a finalizer while loading is refused, and the check returns")
    func finalizerAtLoad() throws {
        let files = [ScriptFile(path: "activities/gc.lua", text: """
            local keep = setmetatable({}, { __gc = function() while true do end end })
            return activity { id = "gc" }
            """)]
        let rejected = try #require(ScriptGeneration.compile(files, api: .standard, limits: Self.limits).failure)
        #expect(rejected.problems.count == 1)
        #expect(rejected.problems[0].description.hasPrefix("Scripts/activities/gc.lua:1:"))
        #expect(rejected.problems[0].description.contains("__gc finalizers are not allowed"))
    }

    @Test("nested coroutines that catch a kill and start new ones cannot stretch the budget",
          arguments: ["resume", "wrap", "pcall", "xpcall", "close"])
    func nestedCoroutines(via: String) async throws {
        let catchCall: String
        switch via {
        case "resume": catchCall = "coroutine.resume(coroutine.create(f))"
        case "wrap": catchCall = "pcall(coroutine.wrap(f))"
        case "pcall": catchCall = "pcall(f)"
        case "xpcall": catchCall = "xpcall(f, function(e) return e end)"
        default: catchCall = "local co = coroutine.create(f) coroutine.resume(co) coroutine.close(co)"
        }
        let (failure, elapsed) = try await timed("""
            local function spin() local x = 0 while true do x = x + 1 end end
            local function level(depth)
              return function()
                while true do
                  local f = depth == 0 and spin or level(depth - 1)
                  \(catchCall)
                end
              end
            end
            level(3)()
            return "escaped"
            """)
        let f = try #require(failure)
        #expect(f.reason == .deadline)
        #expect(f.path.hasSuffix("activities/probe.lua"))
        #expect(elapsed < .seconds(2), "a 200 ms budget took \(elapsed)")
    }

    @Test("a script never sees its own kill: code after a caught kill does not run")
    func killNotObservable() async throws {
        var limits = Self.limits
        limits.callInstructionsMax = 100_000
        let (ctx, result) = try await runGiftHandler("""
            local ok = pcall(function() while true do end end)
            ctx.emit("escaped", { ok = ok })
            return "escaped"
            """, limits: limits)
        #expect(result.failure?.reason == .instructions)
        #expect(ctx.effects.isEmpty)
    }

    @Test("an error inside a loaded chunk names the operator's file and the line of the load")
    func loadedChunkNamesFile() async throws {
        for name in ["nil", "'chunky'", "'=evil'", "'@other.lua'"] {
            let (failure, _) = try await timed("""
                local f = load("local x = 1\\nerror('boom')", \(name))
                f()
                """)
            let f = try #require(failure)
            #expect(f.path.hasSuffix("activities/probe.lua"), "\(name): \(f.message)")
            #expect(f.line == 6, "\(name): \(f.message)")
            #expect(f.message.contains(":2: boom"), "\(name): \(f.message)")
        }
    }

    @Test("a syntax error in a loaded chunk names the operator's file")
    func loadedSyntaxError() async throws {
        let (failure, _) = try await timed("""
            local f, err = load("return +")
            error(err, 0)
            """)
        let f = try #require(failure)
        #expect(f.path.hasSuffix("activities/probe.lua"))
        #expect(f.line == 6)
    }

    @Test("errors without a position name the script line", arguments: ["error({})", "error('plain', 0)", "error(nil)", "error(setmetatable({}, { __tostring = function() while true do end end }))"])
    func errorsWithoutPosition(body: String) async throws {
        let (failure, elapsed) = try await timed(body)
        let f = try #require(failure)
        #expect(f.path.hasSuffix("activities/probe.lua"), "\(f.message)")
        #expect(f.line == 6, "\(f.message)")
        #expect(elapsed < .seconds(2))
    }
}
