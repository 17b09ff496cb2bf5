import CLua
import CLuaShim

/// Checks a Lua table against a `RecordSpec` in place, on the stack, and returns its plain data
/// (functions are left out of the data and listed by path). Uses raw access only.
struct SchemaValidator {
    let stack: LuaStack
    private(set) var functions: [String] = []

    init(stack: LuaStack) { self.stack = stack }

    mutating func record(_ index: Int32, _ spec: RecordSpec, path: String) throws(ScriptArgumentError) -> LuaTable {
        let L = stack.L
        guard stack.type(index) == LUA_TTABLE else { throw fail(path, "table expected, got \(stack.typeName(index))") }
        let abs = lua_absindex(L, index)
        // Unknown keys first: a typo is the most common mistake.
        lua_pushnil(L)
        while lua_next(L, abs) != 0 {
            sr_lua_pop(L, 1)
            guard let key = stack.string(-1) else {
                let t = stack.typeName(-1)
                sr_lua_pop(L, 1)
                throw fail(path, "keys must be field names, got a \(t) key")
            }
            if !spec.fields.contains(where: { $0.name == key }) {
                sr_lua_pop(L, 1)
                let known = spec.fields.map(\.name).joined(separator: ", ")
                throw fail(path, "unknown field '\(key)' (known: \(known))")
            }
        }
        var out = LuaTable()
        for field in spec.fields {
            stack.rawField(abs, field.name)
            defer { sr_lua_pop(L, 1) }
            if stack.type(-1) == LUA_TNIL {
                if field.required { throw fail("\(path).\(field.name)", "required field is missing") }
                continue
            }
            if let v = try value(-1, field.spec, path: "\(path).\(field.name)") { out.fields[field.name] = v }
        }
        return out
    }

    private mutating func value(_ index: Int32, _ spec: FieldSpec, path: String) throws(ScriptArgumentError) -> LuaValue? {
        switch spec {
        case .string(let maxLength):
            let s = try string(index, path)
            guard s.count <= maxLength else { throw fail(path, "longer than \(maxLength) characters") }
            return .string(s)
        case .identifier:
            let s = try string(index, path)
            guard Identifiers.isValid(s) else { throw fail(path, "'\(s)' is not an id (1-64 of a-z 0-9 _ -)") }
            return .string(s)
        case .integer(let min, let max):
            guard let i = stack.integer(index) else { throw fail(path, "integer expected, got \(describe(index))") }
            guard i >= min, i <= max else { throw fail(path, "\(i) is out of range \(min)...\(max)") }
            return .integer(i)
        case .boolean:
            guard stack.type(index) == LUA_TBOOLEAN else { throw fail(path, "boolean expected, got \(describe(index))") }
            return .boolean(lua_toboolean(stack.L, index) != 0)
        case .function:
            guard stack.type(index) == LUA_TFUNCTION else { throw fail(path, "function expected, got \(describe(index))") }
            functions.append(path)
            return nil
        case .timestamp:
            let s = try string(index, path)
            guard Timestamps.millis(s) != nil else { throw fail(path, "'\(s)' is not an ISO 8601 time with an offset") }
            return .string(s)
        case .duration:
            let s = try string(index, path)
            guard Durations.seconds(s) != nil else { throw fail(path, "'\(s)' is not a duration like 90s, 30m, 24h, 7d") }
            return .string(s)
        case .oneOf(let allowed):
            let s = try string(index, path)
            guard allowed.contains(s) else {
                throw fail(path, "expected one of \(allowed.joined(separator: ", ")); got '\(s)'")
            }
            return .string(s)
        case .list(let inner, let maxCount): return try list(index, inner, maxCount, path)
        case .map(let inner, let keys, let maxCount): return try map(index, inner, keys, maxCount, path)
        case .record(let r): return .table(try record(index, r, path: path))
        case .any:
            do { return try stack.value(index) } catch { throw fail(path, error.message) }
        }
    }

    private mutating func list(_ index: Int32, _ inner: FieldSpec, _ maxCount: Int, _ path: String) throws(ScriptArgumentError) -> LuaValue {
        let L = stack.L
        guard stack.type(index) == LUA_TTABLE else { throw fail(path, "list expected, got \(describe(index))") }
        let abs = lua_absindex(L, index)
        let n = Int(lua_rawlen(L, abs))
        guard n <= maxCount else { throw fail(path, "more than \(maxCount) entries") }
        var count = 0
        lua_pushnil(L)
        while lua_next(L, abs) != 0 {
            sr_lua_pop(L, 1)
            count += 1
        }
        guard count == n else { throw fail(path, "list expected (keys 1..n without holes)") }
        var out: [LuaValue] = []
        for i in 0..<n {
            lua_rawgeti(L, abs, lua_Integer(i + 1))
            defer { sr_lua_pop(L, 1) }
            if let v = try value(-1, inner, path: "\(path)[\(i + 1)]") { out.append(v) }
        }
        return .table(LuaTable(array: out))
    }

    private mutating func map(_ index: Int32, _ inner: FieldSpec, _ keys: [String]?, _ maxCount: Int, _ path: String) throws(ScriptArgumentError) -> LuaValue {
        let L = stack.L
        guard stack.type(index) == LUA_TTABLE else { throw fail(path, "table expected, got \(describe(index))") }
        let abs = lua_absindex(L, index)
        var names: [String] = []
        lua_pushnil(L)
        while lua_next(L, abs) != 0 {
            sr_lua_pop(L, 1)
            guard let k = stack.string(-1) else {
                sr_lua_pop(L, 1)
                throw fail(path, "keys must be names")
            }
            if let keys, !keys.contains(k) {
                sr_lua_pop(L, 1)
                throw fail(path, "unknown key '\(k)' (known: \(keys.joined(separator: ", ")))")
            }
            names.append(k)
            guard names.count <= maxCount else {
                sr_lua_pop(L, 1)
                throw fail(path, "more than \(maxCount) entries")
            }
        }
        var out = LuaTable()
        for k in names.sorted() {
            stack.rawField(abs, k)
            defer { sr_lua_pop(L, 1) }
            if let v = try value(-1, inner, path: "\(path).\(k)") { out.fields[k] = v }
        }
        return .table(out)
    }

    private func string(_ index: Int32, _ path: String) throws(ScriptArgumentError) -> String {
        guard let s = stack.string(index) else { throw fail(path, "string expected, got \(describe(index))") }
        return s
    }

    private func describe(_ index: Int32) -> String { stack.typeName(index) }

    private func fail(_ path: String, _ detail: String) -> ScriptArgumentError {
        ScriptArgumentError(message: "\(path): \(detail)")
    }
}

/// Ids of scripts, boards, gifts: 1–64 of `[a-z0-9_-]`, first a letter or digit.
public enum Identifiers {
    /// Whether `s` is a valid id.
    public static func isValid(_ s: String) -> Bool {
        guard let first = s.utf8.first, s.utf8.count <= 64 else { return false }
        func ok(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        return ok(first) && s.utf8.allSatisfy { ok($0) || $0 == 95 || $0 == 45 }
    }
}
