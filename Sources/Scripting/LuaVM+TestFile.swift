import CLua
import CLuaShim

extension LuaVM {
    /// A sandboxed VM for one script test file: `api` should be `HostAPI.scriptTests`, so the
    /// test functions exist here and never in a production VM. Runs the trusted test prelude,
    /// which defines `test` and the `expect_*` assertions.
    /// - Parameters: api: the test API; limits: budgets of the file's load and of each case;
    ///   label: prefix of chunk names; libraries: `Scripts/lib` for `require "lib.x"`.
    /// - Throws: `ScriptFailure` when the state or the prelude cannot start.
    package static func testVM(api: HostAPI, limits: ScriptLimits, label: String, libraries: [ScriptFile]) throws(ScriptFailure) -> LuaVM {
        let vm = try LuaVM(api: api, limits: limits)
        vm.label = label
        for f in libraries {
            if let name = f.moduleName { vm.libraries[name] = f }
        }
        try vm.installTestPrelude()
        return vm
    }

    private func installTestPrelude() throws(ScriptFailure) {
        lua_settop(L, 0)
        let code = ScriptTestPrelude.source
        let status = code.withCString { sr_loadtext(L, $0, code.utf8.count, "=test prelude") }
        guard status == sr_lua_ok() else {
            throw ScriptFailure(.runtime, path: "test prelude", detail: stack.string(-1) ?? "does not compile")
        }
        sr_lua_pushglobaltable(L)
        if let failure = protectedCall(nargs: 1, nresults: 1, instructions: 0, timeoutNanos: 0, path: "test prelude") {
            throw failure
        }
        testRefs.runner = ref()
        lua_settop(L, 0)
    }

    /// Runs a test file's top level under the load budget, in an environment of its own (as a
    /// script's), where it registers its cases with `test`.
    /// - Returns: the names of the cases, in order.
    /// - Throws: `ScriptFailure` naming the file and line when it does not compile or fails.
    package func loadTestFile(_ file: ScriptFile) throws(ScriptFailure) -> [String] {
        let display = "\(label)/\(file.path)"
        lua_settop(L, 0)
        defer { lua_settop(L, 0) }
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
        lua_pushvalue(L, 3)
        testRefs.env = ref()
        lua_settop(L, 0)
        pushRunner("names")
        if let failure = protectedCall(nargs: 0, nresults: 1, instructions: 0, timeoutNanos: 0, path: display) { throw failure }
        let names = (try? stack.value(1))?.table?.array.compactMap(\.string) ?? []
        return names
    }

    /// Runs case `index` (0-based, in registration order) under the call budget, then empties
    /// the globals it wrote, so cases do not see each other's globals.
    /// - Returns: nil when the case passed, else why it did not.
    package func runTestCase(_ index: Int, path: String) -> ScriptFailure? {
        lua_settop(L, 0)
        pushRunner("run")
        lua_pushinteger(L, lua_Integer(index + 1))
        let failure = protectedCall(
            nargs: 1, nresults: 0, instructions: limits.callInstructionsMax, timeoutNanos: callTimeoutNanos, path: path)
        lua_settop(L, 0)
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(helpersRef))
        stack.rawField(-1, "reset")
        sr_lua_remove(L, 1)
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(testRefs.env))
        _ = protectedCall(nargs: 1, nresults: 0, instructions: 0, timeoutNanos: 0, path: path)
        lua_settop(L, 0)
        return failure
    }

    private func pushRunner(_ name: String) {
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(testRefs.runner))
        stack.rawField(-1, name)
        sr_lua_remove(L, -2)
    }
}
