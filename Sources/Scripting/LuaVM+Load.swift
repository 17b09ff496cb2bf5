import CLua
import CLuaShim

/// A script loaded into one VM: registry references to its declaration, environment, scratch
/// table and handler functions.
struct LoadedScript {
    let declaration: Declaration
    let displayPath: String
    let declRef: Int32
    let envRef: Int32
    var scratchRef: Int32
    let handlerRefs: [String: Int32]
    /// Handler references in `declaration.handlers` order, indexed by `HandlerID.slot`.
    let handlerSlots: [Int32]
}

/// A handler resolved once per generation: its script's load position and its slot.
public struct HandlerID: Sendable, Hashable {
    let script: Int
    let slot: Int
}

extension LuaVM {
    /// Runs one script file under the load budget and registers the declaration it returns.
    /// - Throws: `ScriptFailure` naming the file (and line) when it does not compile, fails,
    ///   exceeds a budget, returns anything but one declaration of `kind`, or repeats an id.
    func load(_ file: ScriptFile, as kind: ScriptKind, label: String) throws(ScriptFailure) -> Declaration {
        let display = "\(label)/\(file.path)"
        lua_settop(L, 0)
        defer {
            lua_settop(L, 0)
            pendingDeclarations.removeAll()
        }
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(helpersRef))
        stack.rawField(-1, "load_script")
        sr_lua_remove(L, 1)
        stack.push(file.text)
        stack.push("@" + display)
        if let failure = protectedCall(
            nargs: 2, nresults: 4, instructions: limits.loadInstructionsMax, timeoutNanos: loadTimeoutNanos, path: display)
        {
            throw failure
        }
        let returned = stack.integer(1) ?? 0
        let got = returned == 1 ? stack.typeName(2) : "\(returned) values"
        guard returned == 1, let mark = mark(ofTableAt: 2), let pending = pendingDeclarations[mark] else {
            throw ScriptFailure(.badResult, path: display, line: 1,
                detail: "the file must return one \(kind.constructor){...} declaration (returned \(got))")
        }
        guard pending.kind == kind else {
            throw ScriptFailure(.badResult, path: display, line: 1,
                detail: "files in \(kind.folder)/ must return \(kind.constructor){...}, not \(pending.kind.constructor){...}")
        }
        let id = pending.data.fields["id"]?.string ?? ""
        let address = ScriptAddress(kind, id)
        if let other = scriptIndex[address].map({ scriptList[$0] }) {
            throw ScriptFailure(.badResult, path: display, line: 1,
                detail: "duplicate \(kind.constructor) id '\(id)' (also declared in \(other.displayPath))")
        }
        var handlerRefs: [String: Int32] = [:]
        var handlerSlots: [Int32] = []
        for path in pending.handlers {
            let name = String(path.dropFirst(kind.constructor.count + 1))
            lua_pushvalue(L, 2)
            for component in name.split(separator: ".") {
                stack.rawField(-1, String(component))
                sr_lua_remove(L, -2)
            }
            let r = ref()
            handlerRefs[name] = r
            handlerSlots.append(r)
        }
        let declaration = Declaration(kind: kind, id: id, path: file.path, data: pending.data, handlers: pending.handlers.map {
            String($0.dropFirst(kind.constructor.count + 1))
        })
        lua_pushvalue(L, 2)
        let declRef = ref()
        lua_pushvalue(L, 3)
        let envRef = ref()
        lua_pushvalue(L, 4)
        let scratchRef = ref()
        scriptIndex[address] = scriptList.count
        scriptList.append(LoadedScript(
            declaration: declaration, displayPath: display, declRef: declRef, envRef: envRef,
            scratchRef: scratchRef, handlerRefs: handlerRefs, handlerSlots: handlerSlots))
        return declaration
    }

    /// Empties a script's scratch globals after a call, if the call wrote any.
    func clearScratch(_ index: Int) {
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(scriptList[index].scratchRef))
        lua_pushnil(L)
        let dirty = lua_next(L, -2) != 0
        lua_settop(L, 0)
        guard dirty else { return }
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(helpersRef))
        stack.rawField(-1, "reset")
        sr_lua_remove(L, 1)
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(scriptList[index].envRef))
        if protectedCall(nargs: 1, nresults: 1, instructions: 0, timeoutNanos: 0, path: scriptList[index].displayPath) == nil {
            unref(scriptList[index].scratchRef)
            scriptList[index].scratchRef = ref()
        }
        lua_settop(L, 0)
    }

    /// The id of a handler (e.g. `on.gift`) of a loaded script, valid in every VM of the generation.
    public func handlerID(_ address: ScriptAddress, _ path: String) -> HandlerID? {
        guard let i = scriptIndex[address], let slot = scriptList[i].declaration.handlers.firstIndex(of: path) else { return nil }
        return HandlerID(script: i, slot: slot)
    }
}
