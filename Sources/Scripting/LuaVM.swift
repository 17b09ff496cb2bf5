import CLua
import CLuaShim
import EngineCore

private func luaDispatch(_ L: OpaquePointer?, _ owner: UnsafeMutableRawPointer?, _ binding: lua_Integer) -> Int32 {
    guard let L, let owner else { return Int32(SR_DISPATCH_ERROR_RAW.rawValue) }
    // The VM owns the state that calls it, so it is alive here: no retain for the call.
    return Unmanaged<LuaVM>.fromOpaque(owner)._withUnsafeGuaranteedRef { $0.dispatch(L, Int(binding)) }
}

/// One sandboxed Lua 5.4 state with its budgets and the scripts of one generation loaded.
///
/// Not thread-safe, like the `lua_State` it owns: one owner at a time, which the `VMPool`
/// guarantees (hence `@unchecked Sendable`). Hand it a batch of calls rather than one.
public final class LuaVM: @unchecked Sendable {
    let L: OpaquePointer
    private let budget: UnsafeMutablePointer<sr_budget>
    let api: HostAPI
    let limits: ScriptLimits
    /// The handler invocation in progress, read by `ctx` functions.
    var context: CallContext?
    var libraries: [String: ScriptFile] = [:]
    /// Prefix of chunk names, so errors read `Scripts/activities/x.lua:3: ...`.
    var label = "Scripts"
    /// Scripts in load order (the same order in every VM of a generation, so a `HandlerID`
    /// resolved once serves every VM).
    var scriptList: [LoadedScript] = []
    var scriptIndex: [ScriptAddress: Int] = [:]
    /// Bindings by index, split out of `api` so a dispatch touches only what it needs.
    let bodies: [@Sendable (inout LuaCall) throws -> Void]
    let bindingNames: [String]
    let bindingFirstArgument: [Int32]
    /// `limits.callTimeout` in nanoseconds, computed once (Duration's components cost a 128-bit division).
    let callTimeoutNanos: Int64
    let loadTimeoutNanos: Int64
    var pendingDeclarations: [Int64: (kind: ScriptKind, data: LuaTable, handlers: [String])] = [:]
    private var nextMark: Int64 = 0
    var helpersRef: Int32 = 0
    var ctxRef: Int32 = 0
    var marksRef: Int32 = 0
    /// Script test VMs only: the test prelude's runner and the test file's environment.
    var testRefs = (runner: Int32(0), env: Int32(0))
    /// Script test VMs only: the session driving the VM, which the test API reaches through
    /// `call.vm` (production VMs leave it nil).
    package var testSession: AnyObject?

    private static let dispatchInstalled: Void = sr_set_dispatch(luaDispatch)

    /// A fresh sandboxed state with `api` bound.
    /// - Throws: `ScriptFailure` when Lua cannot start (out of memory) or the sandbox fails.
    public init(api: HostAPI, limits: ScriptLimits) throws(ScriptFailure) {
        _ = Self.dispatchInstalled
        budget = .allocate(capacity: 1)
        budget.initialize(to: sr_budget())
        budget.pointee.mem_limit = limits.vmMemoryBytesMax
        budget.pointee.hook_every = limits.hookInterval
        guard let state = sr_newstate(budget) else {
            budget.deallocate()
            throw ScriptFailure(.memory, path: "sandbox", detail: "cannot create a Lua state")
        }
        L = state
        // Generational collection: most of what a handler makes (its event table, board rows,
        // strings) dies in the call, and a minor collection frees it without traversing the
        // script's long-lived state (2-8% less CPU an event in `liveops`, benchmarks/LOG.md).
        // Garbage still counts against the memory cap, and the collector keeps up with it
        // before and after a kill at the cap (BudgetTests).
        _ = sr_lua_gc_generational(state)
        self.api = api
        self.limits = limits
        callTimeoutNanos = limits.callTimeout.nanoseconds
        loadTimeoutNanos = limits.loadTimeout.nanoseconds
        bodies = api.functions.map(\.body)
        bindingNames = api.functions.map(\.qualifiedName)
        bindingFirstArgument = api.functions.map { f in
            if case .method = f.scope { return 2 }
            return 1
        }
        budget.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        try installSandbox()
    }

    deinit {
        lua_close(L)
        budget.deallocate()
    }

    /// Bytes the VM holds now.
    public var memoryBytes: Int { budget.pointee.mem_used }

    /// Whether the last call ended in a memory kill; such a VM is replaced by its pool.
    public var wasMemoryKilled = false

    var stack: LuaStack { LuaStack(L: L) }

    /// Arms the budget for one call and runs `nargs` arguments under `sr_pcall`.
    /// Returns nil on success, else the failure (kills take precedence over the Lua message).
    func protectedCall(nargs: Int32, nresults: Int32, instructions: Int64, timeoutNanos: Int64, path: @autoclosure () -> String) -> ScriptFailure? {
        sr_arm(L, instructions, timeoutNanos)
        let status = sr_pcall(L, nargs, nresults)
        let killed = budget.pointee.killed
        if killed == Int32(SR_KILL_NONE.rawValue), status == sr_lua_ok() { return nil }
        let message: String
        if killed != Int32(SR_KILL_NONE.rawValue) {
            message = withUnsafeBytes(of: budget.pointee.kill_message) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
        } else {
            message = stack.string(-1) ?? "(error object is not a string)"
        }
        let reason: ScriptFailure.Reason
        switch killed {
        case Int32(SR_KILL_INSTRUCTIONS.rawValue): reason = .instructions
        case Int32(SR_KILL_DEADLINE.rawValue): reason = .deadline
        case Int32(SR_KILL_MEMORY.rawValue): reason = .memory
        default: reason = status == LUA_ERRMEM ? .memory : .runtime
        }
        if reason == .memory {
            wasMemoryKilled = true
            _ = sr_lua_gc_collect(L)
        }
        return ScriptFailure(reason, luaMessage: message, fallbackPath: path())
    }

    /// Called by the C trampoline for binding `index`; returns a result count or a status.
    func dispatch(_ state: OpaquePointer, _ index: Int) -> Int32 {
        guard index >= 0, index < bodies.count else {
            stack.push("unknown host function")
            return Int32(SR_DISPATCH_ERROR.rawValue)
        }
        var call = LuaCall(
            stack: LuaStack(L: state), function: bindingNames[index], first: bindingFirstArgument[index],
            context: context, vm: self)
        do {
            try bodies[index](&call)
            return call.results
        } catch let e as ScriptArgumentError {
            stack.push(e.message)
        } catch let e as any ShowrunnerError {
            stack.push("\(bindingNames[index]): \(e.message)")
        } catch {
            stack.push("\(bindingNames[index]): \(error)")
        }
        return Int32(SR_DISPATCH_ERROR.rawValue)
    }

    /// Records a table as a validated declaration (called by the constructors).
    func markDeclaration(atStackIndex index: Int32, kind: ScriptKind, data: LuaTable, handlers: [String]) {
        nextMark += 1
        pendingDeclarations[nextMark] = (kind, data, handlers)
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(marksRef))
        lua_pushvalue(L, index)
        lua_pushinteger(L, nextMark)
        lua_rawset(L, -3)
        sr_lua_pop(L, 1)
    }

    /// The mark of the table at `index`, if a constructor made it.
    func mark(ofTableAt index: Int32) -> Int64? {
        let abs = lua_absindex(L, index)
        lua_rawgeti(L, sr_lua_registryindex(), lua_Integer(marksRef))
        lua_pushvalue(L, abs)
        lua_rawget(L, -2)
        defer { sr_lua_pop(L, 2) }
        return stack.integer(-1)
    }

    /// A reference in the registry to the value on top (popped).
    func ref() -> Int32 { luaL_ref(L, sr_lua_registryindex()) }

    func unref(_ r: Int32) { luaL_unref(L, sr_lua_registryindex(), r) }
}
