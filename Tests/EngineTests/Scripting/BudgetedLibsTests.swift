import CLua
import CLuaShim
import Foundation
import Testing
import EngineTesting

/// A bare budgeted state (`sr_newstate`, every standard library) in which a test copies the stock
/// library functions aside, installs the budgeted ones and runs Lua comparing the two.
private final class RawLuaState {
    let L: OpaquePointer
    private let budget: UnsafeMutablePointer<sr_budget>

    struct LuaError: Error, CustomStringConvertible {
        let description: String
    }

    init() throws {
        budget = .allocate(capacity: 1)
        budget.initialize(to: sr_budget())
        budget.pointee.hook_every = 1_000
        guard let L = sr_newstate(budget) else {
            budget.deallocate()
            throw LuaError(description: "no Lua state")
        }
        self.L = L
        luaL_openlibs(L)
    }

    deinit {
        lua_close(L)
        budget.deallocate()
    }

    /// Runs `chunk` with `args` (strings) under an unlimited budget; returns its results as strings.
    func run(_ chunk: String, name: String, args: [String] = [], results: Int32) throws -> [String] {
        let status = chunk.withCString { sr_loadtext(L, $0, strlen($0), name) }
        guard status == sr_lua_ok() else { throw LuaError(description: string(-1) ?? "load failed") }
        for a in args { lua_pushstring(L, a) }
        sr_arm(L, 0, 0)
        guard sr_pcall(L, Int32(args.count), results) == sr_lua_ok() else {
            defer { lua_settop(L, 0) }
            throw LuaError(description: string(-1) ?? "error object is not a string")
        }
        defer { lua_settop(L, 0) }
        return (0..<results).map { string(-results + $0) ?? "nil" }
    }

    private func string(_ index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING || lua_type(L, index) == LUA_TNUMBER else { return nil }
        var n = 0
        guard let p = lua_tolstring(L, index, &n) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

/// Keeps the stock functions in the global `stock` (before the budgeted ones replace them).
private let keepStock = """
    stock = {}
    for _, lib in ipairs({ "string", "table", "utf8" }) do
      local copy = {}
      for k, v in pairs(_G[lib]) do copy[k] = v end
      stock[lib] = copy
    end
    stock.tonumber, stock.load = tonumber, load
    stock.meta = {}
    for k, v in pairs(getmetatable("")) do stock.meta[k] = v end
    """

@Suite("Budgeted Lua libraries")
struct BudgetedLibsTests {
    /// Seed of the random cases: SHOWRUNNER_FUZZ_SEED, shared with the sandbox fuzz. Their count:
    /// SHOWRUNNER_LIBS_FUZZ_CASES (pattern cases; half as many calls of the other replaced
    /// functions run besides), not SHOWRUNNER_FUZZ_CASES, whose scale is the sandbox fuzz's
    /// (CI sets it to 300, far fewer than this test's default).
    static var fuzzSeed: Int64 { Int64(bitPattern: SoakKnobs.seed("SHOWRUNNER_FUZZ_SEED", default: 20_261_203)) }
    static var fuzzCases: Int { SoakKnobs.count("SHOWRUNNER_LIBS_FUZZ_CASES", default: 6_000) }

    @Test("the budgeted functions agree with stock Lua 5.4 on random and edge cases")
    func differential() throws {
        let state = try RawLuaState()
        _ = try state.run(keepStock, name: "=keep", results: 0)
        sr_install_budgeted_libs(state.L)
        let seed = Self.fuzzSeed, count = Self.fuzzCases
        let out = try state.run(BudgetedLibsFuzz.script, name: "=fuzz", args: [String(seed), String(count)], results: 3)
        let cases = Int(out[0]) ?? 0
        #expect(cases >= count * 3 / 2)
        #expect(out[1] == "0", "seed \(seed), \(cases) cases, disagreements: \(out[1])\n\(out[2])")
    }

    @Test("every library function that loops in C is replaced, the cheap ones are left alone")
    func replaced() throws {
        let state = try RawLuaState()
        _ = try state.run(keepStock, name: "=keep", results: 0)
        sr_install_budgeted_libs(state.L)
        let out = try state.run("""
            local replaced = {
              string = { "find", "match", "gmatch", "gsub", "rep", "upper", "lower", "reverse", "sub", "byte",
                         "char", "format", "pack", "packsize", "unpack" },
              table = { "insert", "remove", "move", "concat", "unpack", "sort", "pack" },
              utf8 = { "len", "codepoint", "char", "offset", "codes" },
            }
            local kept = { string = { "len", "dump" }, utf8 = { "charpattern" } }
            local wrong = {}
            for lib, names in pairs(replaced) do
              for _, n in ipairs(names) do
                if _G[lib][n] == stock[lib][n] then wrong[#wrong + 1] = lib .. "." .. n .. " not replaced" end
              end
            end
            for lib, names in pairs(kept) do
              for _, n in ipairs(names) do
                if _G[lib][n] ~= stock[lib][n] then wrong[#wrong + 1] = lib .. "." .. n .. " replaced" end
              end
            end
            for _, n in ipairs({ "__add", "__sub", "__mul", "__div", "__mod", "__pow", "__idiv", "__unm" }) do
              if getmetatable("")[n] == stock.meta[n] then wrong[#wrong + 1] = n .. " not replaced" end
            end
            if getmetatable("").__index ~= string then wrong[#wrong + 1] = "__index is not the string table" end
            if tonumber == stock.tonumber then wrong[#wrong + 1] = "tonumber not replaced" end
            if load == stock.load then wrong[#wrong + 1] = "load not replaced" end
            local f = utf8.codes("")
            if f == stock.utf8.codes("") then wrong[#wrong + 1] = "utf8.codes iterator not replaced" end
            return table.concat(wrong, "; ")
            """, name: "=check", results: 1)
        #expect(out == [""])
    }
}
