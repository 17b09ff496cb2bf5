import CLua
import Foundation

/// A value that writes itself into a fresh Lua table field by field, with no intermediate
/// `LuaValue`: the marshalling path for hot events (a gift, a danmaku).
public protocol LuaEncodable {
    /// Fields the table will hold (a sizing hint).
    var luaFieldCount: Int { get }
    /// Writes the fields.
    func encode(to table: inout LuaTableWriter)
}

/// Writes fields into the table on top of the stack (raw sets, no metamethods).
public struct LuaTableWriter: ~Copyable {
    let stack: LuaStack

    /// Sets a string field.
    public mutating func set(_ key: StaticString, _ value: String) {
        pushKey(key)
        stack.push(value)
        lua_rawset(stack.L, -3)
    }

    /// Sets an integer field.
    public mutating func set(_ key: StaticString, _ value: Int64) {
        pushKey(key)
        lua_pushinteger(stack.L, value)
        lua_rawset(stack.L, -3)
    }

    /// Sets a boolean field.
    public mutating func set(_ key: StaticString, _ value: Bool) {
        pushKey(key)
        lua_pushboolean(stack.L, value ? 1 : 0)
        lua_rawset(stack.L, -3)
    }

    /// Sets any plain value.
    public mutating func set(_ key: StaticString, _ value: LuaValue) {
        pushKey(key)
        stack.push(value)
        lua_rawset(stack.L, -3)
    }

    private func pushKey(_ key: StaticString) {
        // A literal's C string, passed again at the same address, is found in Lua's string
        // cache by its address (`StaticString.cString`): no hashing, no lookup in the table of
        // every string, as `lua_pushlstring` must.
        if key.hasPointerRepresentation, key.utf8CodeUnitCount > 1, strlen(key.cString) == key.utf8CodeUnitCount {
            _ = lua_pushstring(stack.L, key.cString)
            return
        }
        key.withUTF8Buffer { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(stack.L, $0.baseAddress, $0.count) }
        }
    }
}

extension LuaValue: LuaEncodable {
    public var luaFieldCount: Int { table?.fields.count ?? 0 }
    /// Writes the table's fields; a non-table value writes nothing.
    public func encode(to table: inout LuaTableWriter) {
        guard case .table(let t) = self else { return }
        for (i, v) in t.array.enumerated() {
            table.stack.push(v)
            lua_rawseti(table.stack.L, -2, lua_Integer(i + 1))
        }
        for (k, v) in t.fields {
            table.stack.push(k)
            table.stack.push(v)
            lua_rawset(table.stack.L, -3)
        }
    }
}
