import Engine
import EngineTesting
@testable import Scripting
import Testing

@Suite("Sandbox")
struct SandboxTests {
    @Test(
        "forbidden capabilities are absent",
        arguments: [
            "return io", "return os", "return debug", "return package", "return dofile", "return loadfile",
            "return string.dump", "return _G.os", "return rawget(_G, 'io')", "return utf8.os",
        ])
    func forbiddenGlobalsAreNil(_ probe: String) async throws {
        let (_, result) = try await runGiftHandler(probe)
        #expect(try result.get() == [.nil])
    }

    @Test(
        "forbidden operations raise errors naming the script",
        arguments: [
            "require('os')", "require('io')", "require('lib/../x')", "require('lib.missing')",
            "collectgarbage('stop')", "collectgarbage('step')",
            "load(string.char(27) .. 'Lua', 'x', 'b')",
            "string.upper = nil", "table.insert = print", "rawset(string, 'upper', print)",
            "setmetatable(_G, nil)", "getmetatable('').__index.upper = nil", "rawset(_G, 'x', 1)",
            "os.exit(1)", "io.open('/etc/passwd')", "load(function() return 'return 1' end)",
        ])
    func forbiddenOperationsFail(_ statement: String) async throws {
        let (_, result) = try await runGiftHandler(statement)
        let failure = try #require(result.failure)
        #expect(failure.reason == .runtime)
        #expect(failure.path.hasSuffix("activities/probe.lua"))
        #expect(failure.line == 6)
    }

    @Test("binary chunks are refused even without a mode")
    func binaryChunkRefused() async throws {
        let (_, result) = try await runGiftHandler("local f, err = load(string.char(27) .. 'LuaT') return err")
        let message = try #require(try result.get().first?.string)
        #expect(message.contains("binary"))
    }

    @Test("load gives chunks their own environment, never the shared base")
    func loadCannotTouchBase() async throws {
        let (_, result) = try await runGiftHandler("load('string = nil; print = nil')() return string.upper('a')")
        #expect(try result.get() == ["A"])
    }

    @Test("a global written during a call does not survive it")
    func globalsDoNotSurviveCalls() async throws {
        let files = [ScriptFile(path: "activities/probe.lua", text: ScriptSamples.activity("""
            local before = counter
            counter = (counter or 0) + 1
            _G.other = true
            return before
            """))]
        let g = try ScriptGeneration.compile(files, api: .standard, limits: ScriptLimits(), vmCount: 1).get()
        let address = ScriptAddress(.activity, "probe")
        let results = try await g.withVM { vm in
            try (0..<3).map { _ in
                try vm.call(address, "on.gift", args: [[:]], context: CallContext(script: address, nowMillis: 0, seed: 1), results: 1)
            }
        }
        #expect(results == [[.nil], [.nil], [.nil]])
    }

    @Test("globals defined while the file loads stay readable, and a call cannot replace them for later calls")
    func loadTimeGlobals() async throws {
        let text = """
            function helper() return 7 end
            return activity { id = "probe", on = { gift = function(ctx, gift)
              local v = helper()
              helper = function() return 0 end
              return v
            end } }
            """
        let g = try ScriptGeneration.compile([ScriptFile(path: "activities/probe.lua", text: text)], api: .standard,
            limits: ScriptLimits(), vmCount: 1).get()
        let address = ScriptAddress(.activity, "probe")
        let results = try await g.withVM { vm in
            try (0..<2).map { _ in
                try vm.call(address, "on.gift", args: [[:]], context: CallContext(script: address, nowMillis: 0, seed: 1), results: 1)
            }
        }
        #expect(results == [[7], [7]])
    }

    @Test("lib modules load through require and nothing else does")
    func requireLib() async throws {
        let (_, result) = try await runGiftHandler(
            "local m = require('lib.util') return m.double(21)",
            extra: ["lib/util.lua": "return { double = function(x) return x * 2 end }"])
        #expect(try result.get() == [42])
    }

    @Test("a lib module cannot reach the base through its environment either")
    func libIsSandboxed() async throws {
        let (_, result) = try await runGiftHandler(
            "return require('lib.probe')",
            extra: ["lib/probe.lua": "return tostring(os) .. tostring(io)"])
        #expect(try result.get() == ["nilnil"])
    }
}
