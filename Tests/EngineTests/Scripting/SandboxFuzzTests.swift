@testable import Engine
import EngineTesting
import Foundation
@testable import Scripting
import Testing

/// Random compositions of the constructs that once escaped the budgets (finalizers, nested
/// coroutines and protected calls, pattern matching, `load`, metatables, deep recursion, long
/// strings, the table library's loops) run as handler calls under a short deadline. Every call
/// must end within its deadline plus a margin, and the VM must keep serving afterwards.
///
/// Seed and case count come from `SHOWRUNNER_FUZZ_SEED` and `SHOWRUNNER_FUZZ_CASES` for soak runs;
/// a failure prints the seed and the case's source.
@Suite("Sandbox fuzz")
struct SandboxFuzzTests {
    static let deadline: Duration = .milliseconds(50)
    /// Generous, so a loaded machine never fails it; an escape runs for seconds to hours.
    static let margin: Duration = .milliseconds(1_500)

    static var limits: ScriptLimits {
        var l = ScriptLimits()
        l.callInstructionsMax = 5_000_000
        l.callTimeout = deadline
        l.vmMemoryBytesMax = 32 << 20
        return l
    }

    @Test("random compositions end within the deadline and leave the VM healthy")
    func compositions() async throws {
        let seed = SoakKnobs.seed("SHOWRUNNER_FUZZ_SEED", default: 20_261_203)
        let cases = SoakKnobs.count("SHOWRUNNER_FUZZ_CASES", default: 120)
        var fuzzer = SandboxFuzzer(seed: seed)
        let files = [ScriptFile(path: "activities/fuzz.lua", text: ScriptSamples.activity(id: "fuzz", """
            if gift.code == nil then return 42 end
            local f, err = load(gift.code)
            if not f then error(err, 0) end
            return f()
            """))]
        let generation = try ScriptGeneration.compile(files, api: .standard, limits: Self.limits, vmCount: 1).get()
        let address = ScriptAddress(.activity, "fuzz")
        let clock = ContinuousClock()
        for index in 0..<cases {
            let code = fuzzer.block(depth: 0)
            let start = clock.now
            let outcome = await call(generation, address, code: code)
            let elapsed = clock.now - start
            #expect(elapsed < Self.deadline + Self.margin,
                    "seed \(seed) case \(index) took \(elapsed):\n\(code)\noutcome: \(outcome)")
            if case .failure(let f) = outcome {
                #expect(f.path.hasSuffix("activities/fuzz.lua"), "seed \(seed) case \(index): \(f.message)\n\(code)")
            }
        }
        // The host is healthy: a plain call answers, and the VM holds less than its budget.
        let healthy = await call(generation, address, code: nil)
        #expect((try? healthy.get()) == [.integer(42)])
        let memory = try await generation.withVM { $0.memoryBytes }
        #expect(memory < Self.limits.vmMemoryBytesMax)
    }

    @Test("each construct alone ends within the deadline", arguments: SandboxFuzzer.Construct.allCases)
    func eachConstruct(construct: SandboxFuzzer.Construct) async throws {
        var fuzzer = SandboxFuzzer(seed: 7)
        let code = fuzzer.statement(construct, inner: "while true do end")
        let clock = ContinuousClock()
        let start = clock.now
        let (_, result) = try await runGiftHandler(code, limits: Self.limits)
        let elapsed = clock.now - start
        #expect(elapsed < Self.deadline + Self.margin, "\(construct) took \(elapsed):\n\(code)")
        if case .failure(let f) = result { #expect(f.path.hasSuffix("activities/probe.lua"), "\(f.message)") }
    }

    func call(_ generation: ScriptGeneration, _ address: ScriptAddress, code: String?) async -> Result<[LuaValue], ScriptFailure> {
        let event: LuaValue = code.map { ["code": .string($0)] } ?? ["sender_id": "u1"]
        do {
            return try await generation.withVM { vm in
                Result { () throws(ScriptFailure) -> [LuaValue] in
                    try vm.call(address, "on.gift", args: [event], context: CallContext(script: address, nowMillis: 0, seed: 1), results: 1)
                }
            }
        } catch {
            return .failure(ScriptFailure(.runtime, path: "", detail: "\(error)"))
        }
    }
}

/// Builds Lua snippets from the constructs that stress the sandbox.
struct SandboxFuzzer {
    enum Construct: String, CaseIterable, Sendable {
        case spin, pcall, xpcall, coroutine, wrap, yieldAcrossPcall, load, finalizer, finalizerLater
        case indexFunction, tostringMeta, closeVariable, errorObject, recursion, bigStrings, stringCompare
        case concatGrowth, patternFind, patternMatch, patternGmatch, patternGsub, plainFind
        case tableMove, tableInsertLen, tableSort, tableConcat, unpackRange, utf8Scan
    }

    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }

    /// One to three statements, nesting further constructs up to depth 3.
    mutating func block(depth: Int) -> String {
        let count = 1 + below(3)
        var lines: [String] = []
        for _ in 0..<count {
            let construct = Construct.allCases[below(Construct.allCases.count)]
            let inner = depth >= 3 || below(3) == 0 ? leaf() : block(depth: depth + 1)
            lines.append(statement(construct, inner: inner))
        }
        return lines.joined(separator: "\n")
    }

    mutating func leaf() -> String {
        ["while true do end", "local x = 0 for i = 1, 1e9 do x = x + i end", "return 1", "error('leaf')",
         "coroutine.yield(1)", "local t = {} for i = 1, 1e7 do t[i] = i end"][below(6)]
    }

    static func quote(_ code: String) -> String {
        var out = "\""
        for c in code.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    mutating func statement(_ construct: Construct, inner: String) -> String {
        let n = 1 << (10 + below(8))
        switch construct {
        case .spin: return "do local x = 0 while true do x = x + 1 end end"
        case .pcall: return "pcall(function() \(inner) end)"
        case .xpcall: return "xpcall(function() \(inner) end, function(e) \(below(2) == 0 ? inner : "return e") end)"
        case .coroutine:
            return "do local co = coroutine.create(function() \(inner) end) for i = 1, 3 do coroutine.resume(co) end coroutine.close(co) end"
        case .wrap: return "pcall(coroutine.wrap(function() \(inner) end))"
        case .yieldAcrossPcall: return "pcall(coroutine.wrap(function() pcall(coroutine.yield, 1) \(inner) end))"
        case .load: return "do local f = load(\(Self.quote(inner))) if f then pcall(f) end end"
        case .finalizer: return "pcall(setmetatable, {}, { __gc = function() \(inner) end })"
        case .finalizerLater:
            return "do local mt = {} for i = 1, 100 do setmetatable({}, mt) end mt.__gc = function() \(inner) end end"
        case .indexFunction:
            return "do local t = setmetatable({}, { __index = function(t, k) \(inner) end }) local _ = t.x end"
        case .tostringMeta:
            return "pcall(tostring, setmetatable({}, { __tostring = function() \(inner) return 'x' end }))"
        case .closeVariable:
            return "pcall(function() local c <close> = setmetatable({}, { __close = function() \(inner) end }) error('x') end)"
        case .errorObject: return "pcall(error, setmetatable({}, { __tostring = function() \(inner) end }))"
        case .recursion: return "pcall(function() local function f(n) return f(n + 1) + 1 end return f(1) end)"
        case .bigStrings: return "do local s = string.rep('ab', \(n) * 16) for i = 1, 1e6 do local _ = s:upper() .. s:reverse() end end"
        case .stringCompare:
            return "do local s = string.rep('ab', \(n) * 16) local t = s:sub(1, -2) .. s:sub(-1) for i = 1, 1e7 do local _ = (s == t) and (s <= t) end end"
        case .concatGrowth: return "pcall(function() local s = 'x' for i = 1, 40 do s = s .. s end end)"
        case .patternFind: return "pcall(string.find, string.rep('a', \(n * 8)), '(.-)*b')"
        case .patternMatch: return "pcall(string.match, string.rep('a', \(n * 2)), '(a*)(a*)(a*)b')"
        case .patternGmatch: return "for a in string.gmatch(string.rep('a', \(n * 4)), '.-.-b') do end"
        case .patternGsub: return "pcall(string.gsub, string.rep('a', \(n * 8)), '(.-)*b', 'x')"
        case .plainFind: return "pcall(string.find, string.rep('a', \(n * 64)), string.rep('a', \(n * 16)) .. 'b', 1, true)"
        case .tableMove: return "pcall(table.move, {}, 1, 1 << 40, 2)"
        case .tableInsertLen:
            return "pcall(table.insert, setmetatable({}, { __len = function() \(below(2) == 0 ? inner : "") return 1 << 40 end }), 1, 1)"
        case .tableSort:
            return "pcall(table.sort, setmetatable({}, { __len = function() return 1 << 30 end, __index = function() return 1 end }))"
        case .tableConcat: return "pcall(table.concat, setmetatable({}, { __index = function() return 'x' end }), '', 1, 1 << 40)"
        case .unpackRange: return "pcall(table.unpack, {}, 1, 1 << 40)"
        case .utf8Scan: return "do local s = string.rep('é', \(n) * 32) for i = 1, 1e6 do utf8.len(s) end end"
        }
    }
}
