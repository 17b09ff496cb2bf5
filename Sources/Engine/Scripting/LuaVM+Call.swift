import CLua
import CLuaShim

extension LuaVM {
    /// Whether the loaded script has a handler at `path` (e.g. `on.gift`).
    public func hasHandler(_ address: ScriptAddress, _ path: String) -> Bool {
        scripts[address]?.handlerRefs[path] != nil
    }

    /// Calls a handler as `handler(ctx, args...)` under the call budget.
    ///
    /// - Parameters:
    ///   - address: the script.
    ///   - handler: the handler path, e.g. `on.gift`, `on_end`, `validate`.
    ///   - args: arguments after `ctx`.
    ///   - context: what `ctx` reads and where its effects go.
    ///   - results: how many results to read back.
    /// - Returns: the results, as plain data.
    /// - Throws: `ScriptFailure` on a Lua error, a budget kill, a missing handler or a result
    ///   that cannot leave Lua. The script's scratch globals are cleared either way.
    public func call(
        _ address: ScriptAddress, _ handler: String, args: [LuaValue], context: CallContext, results: Int = 0
    ) throws(ScriptFailure) -> [LuaValue] {
        guard let script = scripts[address] else {
            throw ScriptFailure(.noHandler, path: "Scripts", detail: "no \(address) is loaded")
        }
        guard let fn = script.handlerRefs[handler] else {
            throw ScriptFailure(.noHandler, path: script.displayPath, detail: "\(address) has no handler '\(handler)'")
        }
        lua_settop(L, 0)
        _ = lua_checkstack(L, Int32(args.count) + 4)
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(fn))
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(ctxRef))
        for a in args { stack.push(a) }
        context.effectsMax = limits.effectsPerCallMax
        self.context = context
        let failure = protectedCall(
            nargs: Int32(args.count) + 1, nresults: Int32(results),
            instructions: limits.callInstructionsMax, timeout: limits.callTimeout, path: script.displayPath)
        self.context = nil
        defer { clearScratch(address) }
        if let failure { throw failure }
        var out: [LuaValue] = []
        out.reserveCapacity(results)
        for i in 0..<Int32(results) {
            do { out.append(try stack.value(i + 1)) } catch {
                throw ScriptFailure(.badResult, path: script.displayPath, detail: "result \(i + 1): \(error.message)")
            }
        }
        return out
    }
}
