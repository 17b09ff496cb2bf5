import CLua

/// Typed pushes and reads on a Lua stack. Uses only raw accesses (no metamethods), so nothing
/// here can raise a Lua error while Swift code is on the stack.
package struct LuaStack {
    let L: OpaquePointer

    /// The stack of the state `L`.
    package init(L: OpaquePointer) { self.L = L }

    /// Deepest table nesting read into Swift; deeper values are refused.
    static let readDepthMax = 16
    /// Most entries read from one table into Swift.
    static let readEntriesMax = 10_000

    func push(_ value: LuaValue) {
        switch value {
        case .nil: lua_pushnil(L)
        case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, i)
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s): push(s)
        case .table(let t): push(t)
        }
    }

    func push(_ s: String) {
        // Native strings are contiguous UTF-8 already: push their bytes without a copy.
        let pushed: Void? = s.utf8.withContiguousStorageIfAvailable { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
        guard pushed == nil else { return }
        var s = s
        s.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    func push(_ t: LuaTable) {
        _ = lua_checkstack(L, 3)
        lua_createtable(L, Int32(clamping: t.array.count), Int32(clamping: t.fields.count))
        for (i, v) in t.array.enumerated() {
            push(v)
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
        for (k, v) in t.fields {
            push(k)
            push(v)
            lua_rawset(L, -3)
        }
    }

    /// Sets `table[key] = value` for the table at `index` (raw).
    package func setField(_ index: Int32, _ key: String, _ value: LuaValue) {
        let abs = lua_absindex(L, index)
        push(key)
        push(value)
        lua_rawset(L, abs)
    }

    /// Pushes `table[key]` for the table at `index` (raw) and returns its type.
    @discardableResult
    func rawField(_ index: Int32, _ key: String) -> Int32 {
        let abs = lua_absindex(L, index)
        push(key)
        return lua_rawget(L, abs)
    }

    func type(_ index: Int32) -> Int32 { lua_type(L, index) }

    func typeName(_ index: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, index)))
    }

    /// The string at `index`, without coercing numbers (a number is not a string).
    func string(_ index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var len = 0
        guard let p = lua_tolstring(L, index, &len) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: len) {
            String(decoding: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self)
        }
    }

    /// The exact integer at `index`: an integer, or a float with an integral value in range.
    func integer(_ index: Int32) -> Int64? {
        guard lua_type(L, index) == LUA_TNUMBER else { return nil }
        var isnum: Int32 = 0
        let v = lua_tointegerx(L, index, &isnum)
        return isnum != 0 ? v : nil
    }

    /// Reads any plain value into Swift. Functions, userdata and threads are refused, as are
    /// tables nested deeper than `readDepthMax`, larger than `readEntriesMax` or with keys that
    /// are neither strings nor sequence integers.
    func value(_ index: Int32, depth: Int = 0) throws(LuaReadError) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(lua_tointegerx(L, index, nil)) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING: return .string(string(index) ?? "")
        case LUA_TTABLE: return .table(try table(index, depth: depth))
        default: throw LuaReadError("\(typeName(index)) values cannot leave a script")
        }
    }

    private func table(_ index: Int32, depth: Int) throws(LuaReadError) -> LuaTable {
        guard depth < Self.readDepthMax else { throw LuaReadError("table nested deeper than \(Self.readDepthMax)") }
        guard lua_checkstack(L, 4) != 0 else { throw LuaReadError("stack exhausted") }
        let abs = lua_absindex(L, index)
        var keyed: [String: LuaValue] = [:]
        var indexed: [Int64: LuaValue] = [:]
        var count = 0
        lua_pushnil(L)
        while lua_next(L, abs) != 0 {
            count += 1
            if count > Self.readEntriesMax {
                sr_lua_pop(L, 2)
                throw LuaReadError("table has more than \(Self.readEntriesMax) entries")
            }
            let v: LuaValue
            do { v = try value(-1, depth: depth + 1) } catch { sr_lua_pop(L, 2); throw error }
            if lua_type(L, -2) == LUA_TSTRING, let k = string(-2) {
                keyed[k] = v
            } else if lua_isinteger(L, -2) != 0 {
                indexed[lua_tointegerx(L, -2, nil)] = v
            } else {
                let name = typeName(-2)
                sr_lua_pop(L, 2)
                throw LuaReadError("table keys must be strings or sequence integers, got \(name)")
            }
            sr_lua_pop(L, 1)
        }
        var array: [LuaValue] = []
        if !indexed.isEmpty {
            array.reserveCapacity(indexed.count)
            for i in 1...Int64(indexed.count) {
                guard let v = indexed[i] else { throw LuaReadError("table has holes or non-sequence integer keys") }
                array.append(v)
            }
        }
        return LuaTable(array: array, fields: keyed)
    }
}

/// A value that could not be read out of Lua.
struct LuaReadError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
