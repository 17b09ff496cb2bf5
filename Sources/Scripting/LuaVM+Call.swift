import CLua
import CLuaShim

extension LuaVM {
    /// Whether the loaded script has a handler at `path` (e.g. `on.gift`).
    public func hasHandler(_ address: ScriptAddress, _ path: String) -> Bool {
        handlerID(address, path) != nil
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
        guard let index = scriptIndex[address] else {
            throw ScriptFailure(.noHandler, path: label, detail: "no \(address) is loaded")
        }
        guard let id = handlerID(address, handler) else {
            throw ScriptFailure(.noHandler, path: scriptList[index].displayPath, detail: "\(address) has no handler '\(handler)'")
        }
        return try invoke(id, context: context, results: results, nargs: Int32(args.count)) {
            for a in args { stack.push(a) }
        }
    }

    /// Calls a handler resolved once per generation (`ScriptGeneration.handler`) as
    /// `handler(ctx, args...)` under the call budget; see `call(_:_:args:context:results:)`.
    public func call(_ id: HandlerID, args: [LuaValue], context: CallContext, results: Int = 0) throws(ScriptFailure) -> [LuaValue] {
        try invoke(id, context: context, results: results, nargs: Int32(args.count)) {
            for a in args { stack.push(a) }
        }
    }

    /// The hot path: calls `handler(ctx, event)` with the event written straight into a Lua
    /// table, no intermediate values. Resolve `id` once per generation.
    public func call(_ id: HandlerID, event: some LuaEncodable, context: CallContext, results: Int = 0) throws(ScriptFailure) -> [LuaValue] {
        try invoke(id, context: context, results: results, nargs: 1) {
            lua_createtable(L, 0, Int32(clamping: event.luaFieldCount))
            var writer = LuaTableWriter(stack: stack)
            event.encode(to: &writer)
        }
    }

    /// Sets (or with `clear`, removes) the call's plain fields on the `ctx` table at `index`.
    private func setContextFields(_ fields: [String: LuaValue], clear: Bool, at index: Int32) {
        _ = lua_checkstack(L, 3)
        for (key, value) in fields {
            stack.push(key)
            if clear { lua_pushnil(L) } else { stack.push(value) }
            lua_rawset(L, index)
        }
    }

    /// Removes the call's plain fields from `ctx`, so no later call sees them.
    private func clearContextFields(_ fields: [String: LuaValue]) {
        _ = lua_checkstack(L, 4)
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(ctxRef))
        setContextFields(fields, clear: true, at: lua_gettop(L))
        lua_settop(L, -2)
    }

    private func invoke(
        _ id: HandlerID, context: CallContext, results: Int, nargs: Int32, pushArguments: () -> Void
    ) throws(ScriptFailure) -> [LuaValue] {
        lua_settop(L, 0)
        _ = lua_checkstack(L, nargs + 4)
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(scriptList[id.script].handlerSlots[id.slot]))
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(ctxRef))
        if !context.fields.isEmpty { setContextFields(context.fields, clear: false, at: 2) }
        defer { if !context.fields.isEmpty { clearContextFields(context.fields) } }
        pushArguments()
        context.effectsMax = limits.effectsPerCallMax
        self.context = context
        let failure = protectedCall(
            nargs: nargs + 1, nresults: Int32(results),
            instructions: limits.callInstructionsMax, timeoutNanos: callTimeoutNanos, path: scriptList[id.script].displayPath)
        self.context = nil
        defer { clearScratch(id.script) }
        if let failure { throw failure }
        guard results > 0 else { return [] }
        var out: [LuaValue] = []
        out.reserveCapacity(results)
        for i in 0..<Int32(results) {
            do { out.append(try stack.value(i + 1)) } catch {
                throw ScriptFailure(.badResult, path: scriptList[id.script].displayPath, detail: "result \(i + 1): \(error.message)")
            }
        }
        return out
    }
}
