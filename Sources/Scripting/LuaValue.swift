import Foundation

/// A value that crosses between Swift and Lua. Integers stay `Int64` end to end: an id or an
/// amount never passes through a floating-point number.
public enum LuaValue: Sendable, Hashable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    /// A table: its array part (1...n) and its keyed part, string keys only.
    case table(LuaTable)

    /// The value's Lua type name, as Lua's `type()` would say it.
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table: "table"
        }
    }

    /// The integer, if this is one (a float with an exact integer value counts, as in Lua).
    public var integer: Int64? {
        switch self {
        case .integer(let v): v
        case .number(let d): Int64(exactly: d)
        default: nil
        }
    }

    /// The string, if this is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The table, if this is one.
    public var table: LuaTable? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// How `print` and `ctx.log` write the value: as Lua's `tostring` would for plain values
    /// (`7`, `2.5`, `true`, `nil`), and `table` for a table.
    public var logText: String {
        switch self {
        case .nil: "nil"
        case .boolean(let b): b ? "true" : "false"
        case .integer(let i): String(i)
        case .number(let d): d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : String(format: "%.14g", d)
        case .string(let s): s
        case .table: "table"
        }
    }

    /// Field access on a table value; `nil` for anything else.
    public subscript(key: String) -> LuaValue {
        table?.fields[key] ?? .nil
    }
}

/// A Lua table as plain data: a sequence and string-keyed fields.
public struct LuaTable: Sendable, Hashable {
    /// Values at keys 1...n.
    public var array: [LuaValue]
    /// Values at string keys.
    public var fields: [String: LuaValue]

    /// - Parameters: array: the sequence part; fields: the keyed part.
    public init(array: [LuaValue] = [], fields: [String: LuaValue] = [:]) {
        self.array = array
        self.fields = fields
    }
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(nilLiteral: ()) { self = .nil }
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        self = .table(LuaTable(fields: Dictionary(elements, uniquingKeysWith: { _, last in last })))
    }
    public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
}
