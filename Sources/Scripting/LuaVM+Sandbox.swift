import CLua
import CLuaShim

extension LuaVM {
    /// Opens only the safe libraries, binds the host API and runs the sandbox bootstrap.
    func installSandbox() throws(ScriptFailure) {
        let libs: [(String, lua_CFunction)] = [
            ("_G", luaopen_base), ("string", luaopen_string), ("table", luaopen_table),
            ("math", luaopen_math), ("utf8", luaopen_utf8), ("coroutine", luaopen_coroutine),
        ]
        for (name, open) in libs {
            luaL_requiref(L, name, open, 1)
            sr_lua_pop(L, 1)
        }
        // string, table and utf8 functions (and tonumber, load, the string metamethods) that
        // charge the work they do in C to the call's budgets; before the bootstrap freezes them.
        sr_install_budgeted_libs(L)
        // Drop the loaded-modules table luaL_requiref filled: scripts get our `require` only.
        lua_pushnil(L)
        lua_setfield(L, sr_lua_registryindex(), LUA_LOADED_TABLE)

        sr_lua_pushglobaltable(L)
        let globals = lua_gettop(L)
        lua_createtable(L, 0, 16)
        let ctx = lua_gettop(L)
        lua_createtable(L, 0, 4)
        let internals = lua_gettop(L)
        var methodTables: [String: Int32] = [:]
        var groupTables: [String: Int32] = [:]
        for name in api.tableNames {
            lua_createtable(L, 0, 8)
            lua_pushvalue(L, -1)
            lua_setfield(L, globals, name)
            groupTables[name] = lua_gettop(L)
        }
        for type in api.methodTypes {
            _ = luaL_newmetatable(L, "showrunner.\(type)")
            lua_createtable(L, 0, 8)
            lua_pushvalue(L, -1)
            lua_setfield(L, -3, "__index")
            stack.setField(-2, "__metatable", "locked")
            methodTables[type] = lua_gettop(L)
        }
        for (i, f) in api.functions.enumerated() {
            let target: Int32
            switch f.scope {
            case .global: target = globals
            case .ctx: target = ctx
            case .internal: target = internals
            case .method(let type): target = methodTables[type]!
            case .table(let name): target = groupTables[name]!
            }
            stack.push(f.name)
            sr_pushbinding(L, lua_Integer(i))
            lua_rawset(L, target)
        }
        // C functions of the sandbox itself: `pass` re-raises a budget kill that a script's pcall,
        // xpcall or coroutine caught; `where` names the script line that called `load`.
        lua_pushcclosure(L, sr_passkill, 0)
        lua_setfield(L, internals, "pass")
        lua_pushcclosure(L, sr_where, 0)
        lua_setfield(L, internals, "where")
        lua_pushvalue(L, ctx)
        ctxRef = ref()

        lua_createtable(L, 0, 0)
        lua_createtable(L, 0, 1)
        stack.setField(-1, "__mode", "k")
        _ = lua_setmetatable(L, -2)
        marksRef = ref()

        let code = Sandbox.bootstrap
        let status = code.withCString { sr_loadtext(L, $0, strlen($0), "=sandbox") }
        guard status == sr_lua_ok() else {
            throw ScriptFailure(.runtime, path: "sandbox", detail: stack.string(-1) ?? "bootstrap does not compile")
        }
        lua_pushvalue(L, globals)
        lua_pushvalue(L, internals)
        if let failure = protectedCall(nargs: 2, nresults: 1, instructions: 0, timeoutNanos: 0, path: "sandbox") {
            throw failure
        }
        helpersRef = ref()
        lua_settop(L, 0)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
