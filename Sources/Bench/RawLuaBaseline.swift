import CBench
import CLua
import Scripting

/// The benchmark's peer: the same Lua function called with a bare `lua_pcall` on a plain state
/// (no sandbox, no budget hook, no pool, no typed decoding), its `ctx.grant` a minimal C
/// function (`sr_bench_grant`, in the `CBench` target). It lives with the benchmarks, not in a
/// production target.
final class RawLuaBaseline {
    private let L: OpaquePointer
    private let fnRef: Int32
    private let ctxRef: Int32

    /// Compiles `chunk`, which must return the handler function `function(ctx, event)`.
    init?(chunk: String) {
        guard let (L, fnRef) = Self.state(chunk) else { return nil }
        self.L = L
        self.fnRef = fnRef
        lua_createtable(L, 0, 1)
        lua_pushcclosure(L, sr_bench_grant, 0)
        lua_setfield(L, -2, "grant")
        ctxRef = luaL_ref(L, sr_lua_registryindex())
    }

    deinit { lua_close(L) }

    /// A plain state with every library, and a reference to the function `chunk` returns.
    static func state(_ chunk: String) -> (OpaquePointer, Int32)? {
        guard let L = luaL_newstate() else { return nil }
        luaL_openlibs(L)
        let status = chunk.withCString { luaL_loadstring(L, $0) }
        guard status == sr_lua_ok(), sr_raw_pcall(L, 0, 1) == sr_lua_ok() else {
            lua_close(L)
            return nil
        }
        return (L, luaL_ref(L, sr_lua_registryindex()))
    }

    /// Calls the handler `count` times with a 5-field event; returns how many calls succeeded.
    func run(count: Int) -> Int {
        var ok = 0
        let stack = LuaStack(L: L)
        for i in 0..<count {
            lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(fnRef))
            lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(ctxRef))
            lua_createtable(L, 0, 5)
            stack.setField(-1, "sender_id", .string("viewer-1"))
            stack.setField(-1, "streamer_id", .string("streamer-1"))
            stack.setField(-1, "gift_id", .string("rose"))
            stack.setField(-1, "count", .integer(Int64(i & 7) + 1))
            stack.setField(-1, "value_coins", .integer(10))
            if sr_raw_pcall(L, 2, 0) == sr_lua_ok() { ok += 1 } else { sr_lua_pop(L, 1) }
        }
        return ok
    }

    /// Grants the C peer has counted, process-wide.
    static var grants: Int64 { Int64(sr_bench_grant_count()) }
}

/// The gate benchmark's peer: a queue gate's `check(ctx, viewer, params)` called with a bare
/// `lua_pcall` on a plain state, `ctx.fan_medal` a C function answering a constant medal and
/// `ctx.streamer_id` a plain field.
final class RawGateBaseline {
    private let L: OpaquePointer
    private let fnRef: Int32
    private let ctxRef: Int32

    /// Compiles `chunk`, which must return `function(ctx, viewer, params)`.
    init?(chunk: String) {
        guard let (L, fnRef) = RawLuaBaseline.state(chunk) else { return nil }
        self.L = L
        self.fnRef = fnRef
        lua_createtable(L, 0, 2)
        lua_pushcclosure(L, sr_bench_fan_medal, 0)
        lua_setfield(L, -2, "fan_medal")
        LuaStack(L: L).setField(-1, "streamer_id", .string("streamer-1"))
        ctxRef = luaL_ref(L, sr_lua_registryindex())
    }

    deinit { lua_close(L) }

    /// Calls the gate `count` times with `params.level = level`; returns how many admitted.
    func run(count: Int, level: Int64) -> Int {
        var admitted = 0
        let stack = LuaStack(L: L)
        for _ in 0..<count {
            lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(fnRef))
            lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(ctxRef))
            lua_createtable(L, 0, 1)
            stack.setField(-1, "id", .string("viewer-1"))
            lua_createtable(L, 0, 1)
            stack.setField(-1, "level", .integer(level))
            if sr_raw_pcall(L, 3, 2) == sr_lua_ok() {
                if lua_toboolean(L, -2) != 0 { admitted += 1 }
                sr_lua_pop(L, 2)
            } else {
                sr_lua_pop(L, 1)
            }
        }
        return admitted
    }
}
