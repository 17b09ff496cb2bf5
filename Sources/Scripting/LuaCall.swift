import CLua
import CLuaShim

/// One invocation of a host function: typed argument decoding and results. Argument numbers in
/// errors follow Lua's convention (`bad argument #2 to 'grant' (integer expected, got string)`).
public struct LuaCall: ~Copyable {
    let stack: LuaStack
    package let function: String
    /// 1 for functions, 2 for methods (argument 1 is `self`).
    let first: Int32
    /// The handler invocation in progress, if any (nil while a file loads).
    public unowned(unsafe) let context: CallContext?
    /// The VM running the call (it outlives the call: the call runs inside it).
    public unowned(unsafe) let vm: LuaVM
    var results: Int32 = 0

    /// Number of arguments passed (excluding `self`).
    public var count: Int { Int(lua_gettop(stack.L) - first + 1) }

    package func argumentError(_ n: Int, _ detail: String) -> ScriptArgumentError {
        ScriptArgumentError(message: "bad argument #\(n) to '\(function)' (\(detail))")
    }

    private func index(_ n: Int) -> Int32 { first + Int32(n) - 1 }

    private func expected(_ n: Int, _ what: String) -> ScriptArgumentError {
        let got = lua_type(stack.L, index(n)) == LUA_TNONE ? "no value" : stack.typeName(index(n))
        return argumentError(n, "\(what) expected, got \(got)")
    }

    /// Argument `n` (1-based) as an exact 64-bit integer.
    public func integer(_ n: Int) throws(ScriptArgumentError) -> Int64 {
        if let v = stack.integer(index(n)) { return v }
        if lua_type(stack.L, index(n)) == LUA_TNUMBER { throw argumentError(n, "number has no integer representation") }
        throw expected(n, "integer")
    }

    /// Argument `n` as an integer, or nil when absent.
    public func optionalInteger(_ n: Int) throws(ScriptArgumentError) -> Int64? {
        isAbsent(n) ? nil : try integer(n)
    }

    /// Argument `n` as a string (numbers are not coerced).
    public func string(_ n: Int) throws(ScriptArgumentError) -> String {
        if let s = stack.string(index(n)) { return s }
        throw expected(n, "string")
    }

    /// Argument `n` as a string, or nil when absent.
    public func optionalString(_ n: Int) throws(ScriptArgumentError) -> String? {
        isAbsent(n) ? nil : try string(n)
    }

    /// Argument `n` as a boolean.
    public func boolean(_ n: Int) throws(ScriptArgumentError) -> Bool {
        guard lua_type(stack.L, index(n)) == LUA_TBOOLEAN else { throw expected(n, "boolean") }
        return lua_toboolean(stack.L, index(n)) != 0
    }

    /// Argument `n` as plain data (a table or any plain value).
    public func value(_ n: Int) throws(ScriptArgumentError) -> LuaValue {
        do { return try stack.value(index(n)) } catch { throw argumentError(n, error.message) }
    }

    /// Argument `n` as a table.
    public func table(_ n: Int) throws(ScriptArgumentError) -> LuaTable {
        guard lua_type(stack.L, index(n)) == LUA_TTABLE else { throw expected(n, "table") }
        do { return try stack.value(index(n)).table ?? LuaTable() } catch { throw argumentError(n, error.message) }
    }

    /// Whether argument `n` is nil or absent.
    public func isAbsent(_ n: Int) -> Bool {
        let t = lua_type(stack.L, index(n))
        return t == LUA_TNIL || t == LUA_TNONE
    }

    /// Stack index of argument `n`, for host code that walks a table in place.
    func stackIndex(_ n: Int) -> Int32 { index(n) }

    /// Returns a value to the script (call once per result, in order).
    public mutating func `return`(_ value: LuaValue) {
        _ = lua_checkstack(stack.L, 2)
        stack.push(value)
        results += 1
    }

    /// Returns a new table written field by field from `value` (no intermediate `LuaValue`),
    /// or nil.
    public mutating func returnTable(_ value: (some LuaEncodable)?) {
        _ = lua_checkstack(stack.L, 3)
        if let value {
            lua_createtable(stack.L, 0, Int32(clamping: value.luaFieldCount))
            var writer = LuaTableWriter(stack: stack)
            value.encode(to: &writer)
        } else {
            lua_pushnil(stack.L)
        }
        results += 1
    }
}

/// A bad argument or a refused request from a host function; raised as a Lua error at the
/// script's line.
public struct ScriptArgumentError: Error, Sendable {
    /// Lua-style message without position.
    public let message: String
    /// - Parameter message: the text, e.g. `bad argument #1 to 'grant' (string expected, got nil)`.
    public init(message: String) { self.message = message }
}

extension LuaCall {
    /// Returns argument `n` itself (same Lua object) as the next result.
    public mutating func returnArgument(_ n: Int) {
        lua_pushvalue(stack.L, stackIndex(n))
        results += 1
    }
}

extension LuaCall {
    /// Returns a new object of a method type (`metatable` is `showrunner.<type>`): a table whose
    /// field `fields[i]` is argument `i + 1` (left out when absent), with the methods declared
    /// with scope `.method(type)`. The arguments are set as the script passed them, with no copy
    /// through Swift, in the order given: list the names sorted, so a table's layout (and `pairs`
    /// order) is the same in every process.
    public mutating func returnObject(_ metatable: StaticString, arguments fields: StaticString...) {
        _ = lua_checkstack(stack.L, 4)
        lua_createtable(stack.L, 0, Int32(fields.indices.count { !isAbsent($0 + 1) }))
        for (i, field) in fields.enumerated() where !isAbsent(i + 1) {
            lua_pushvalue(stack.L, index(i + 1))
            lua_setfield(stack.L, -2, field.cString)
        }
        luaL_setmetatable(stack.L, metatable.cString)
        results += 1
    }

    /// A string field of `self` (argument 1 of a method), or nil.
    public func selfString(_ key: StaticString) -> String? {
        guard first == 2, lua_type(stack.L, 1) == LUA_TTABLE else { return nil }
        _ = lua_getfield(stack.L, 1, key.cString)
        defer { sr_lua_pop(stack.L, 1) }
        return stack.string(-1)
    }
}

extension StaticString {
    /// The literal as a C string, for Lua's functions that take a name: the compiler stores a
    /// literal of more than one character NUL-terminated, and Lua finds a name passed again at
    /// the same address in its string cache without hashing it.
    var cString: UnsafePointer<CChar> {
        precondition(hasPointerRepresentation, "a name of one character has no C string")
        return UnsafeRawPointer(utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
