/// JSON for values that leave a script (journal payloads, room events): nil is `null`, a table
/// with only a sequence is an array, any other table an object (sequence items under "1", "2"...).
extension LuaValue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .nil:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .boolean(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .integer(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .number(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d.isFinite ? d : 0)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .table(let t) where t.fields.isEmpty && !t.array.isEmpty:
            var c = encoder.unkeyedContainer()
            for v in t.array { try c.encode(v) }
        case .table(let t):
            var c = encoder.container(keyedBy: JSONKey.self)
            for (i, v) in t.array.enumerated() { try c.encode(v, forKey: JSONKey(String(i + 1))) }
            for (k, v) in t.fields { try c.encode(v, forKey: JSONKey(k)) }
        }
    }
}

struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

/// JSON into script values (journal payloads handed to handlers): integers stay integers,
/// arrays become sequences, objects become tables with string keys, null becomes nil.
extension LuaValue: Decodable {
    public init(from decoder: any Decoder) throws {
        if let c = try? decoder.container(keyedBy: JSONKey.self) {
            var fields: [String: LuaValue] = [:]
            for key in c.allKeys {
                let v = try c.decode(LuaValue.self, forKey: key)
                if v != .nil { fields[key.stringValue] = v }
            }
            self = .table(LuaTable(fields: fields))
            return
        }
        if var c = try? decoder.unkeyedContainer() {
            var array: [LuaValue] = []
            while !c.isAtEnd { array.append(try c.decode(LuaValue.self)) }
            self = .table(LuaTable(array: array))
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .nil } else if let b = try? c.decode(Bool.self) { self = .boolean(b) } else if let i = try? c.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .string(try c.decode(String.self)) }
    }
}
