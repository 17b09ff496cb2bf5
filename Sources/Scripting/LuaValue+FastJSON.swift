import EngineCore

/// A direct JSON reader for journal payloads handed to handlers: one pass over the UTF-8 bytes
/// into `LuaValue`, with the same meaning as the `Decodable` conformance (integers stay
/// integers, other numbers are doubles, `null` fields of an object are left out, `null` items
/// of an array are `nil`). The consumers read every fact's payload on the hot path, where the
/// general-purpose `JSONDecoder` cost more than the handlers themselves.
extension LuaValue {
    /// Deepest nesting accepted.
    public static let jsonDepthMax = 64

    /// Parses JSON text.
    /// - Throws: `JSONParseError` with the byte offset of the first problem.
    public init(json: String) throws(JSONParseError) {
        var text = json
        let parsed: Result<LuaValue, JSONParseError> = text.withUTF8 { bytes in
            var reader = FastJSONReader(bytes: bytes)
            do throws(JSONParseError) {
                let value = try reader.value(depth: 0)
                reader.skipSpace()
                guard reader.index == bytes.count else { throw reader.fail("trailing characters") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        self = try parsed.get()
    }
}

/// Malformed JSON.
public struct JSONParseError: Error, Equatable, CustomStringConvertible {
    /// What was wrong.
    public let reason: String
    /// Byte offset where it was found.
    public let offset: Int
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// The one-pass reader behind `LuaValue(json:)`, also used by typed readers of hot payloads
/// (`GiftReceipt(jsonText:)`) that fill their fields without building a table.
package struct FastJSONReader {
    package let bytes: UnsafeBufferPointer<UInt8>
    package var index = 0

    package init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    package func fail(_ reason: String) -> JSONParseError { JSONParseError(reason: reason, offset: index) }

    package mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    package mutating func value(depth: Int) throws(JSONParseError) -> LuaValue {
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .boolean(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .boolean(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .nil
        default: return try number()
        }
    }

    package mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count else { throw fail("unexpected end") }
        for i in 0..<n where bytes[index + i] != word.utf8Start[i] { throw fail("unknown literal") }
        index += n
    }

    mutating func object(depth: Int) throws(JSONParseError) -> LuaValue {
        guard depth <= LuaValue.jsonDepthMax else { throw fail("nested deeper than \(LuaValue.jsonDepthMax)") }
        index += 1
        var fields: [String: LuaValue] = [:]
        fields.reserveCapacity(16)
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .table(LuaTable(fields: fields))
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            let v = try value(depth: depth)
            if v != .nil { fields[key] = v }
            if try !more(closing: "}") { return .table(LuaTable(fields: fields)) }
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> LuaValue {
        guard depth <= LuaValue.jsonDepthMax else { throw fail("nested deeper than \(LuaValue.jsonDepthMax)") }
        index += 1
        var items: [LuaValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .table(LuaTable(array: items))
        }
        while true {
            items.append(try value(depth: depth))
            if try !more(closing: "]") { return .table(LuaTable(array: items)) }
        }
    }

    /// After a member: consumes `,` (true: another follows) or `closing` (false: the container
    /// ended); anything else is an error.
    package mutating func more(closing: Unicode.Scalar) throws(JSONParseError) -> Bool {
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end") }
        let byte = bytes[index]
        guard byte == UInt8(ascii: ",") || byte == UInt8(ascii: closing) else { throw fail("expected ',' or '\(closing)'") }
        index += 1
        return byte == UInt8(ascii: ",")
    }

    package mutating func string() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // The common case: no escapes, so the bytes are the string.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            guard b >= 0x20 else { throw fail("control character in a string") }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            guard b >= 0x20 else { throw fail("control character in a string") }
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw fail("lone surrogate")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("lone surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("lone surrogate")
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("bad \\u escape") }
                out.append(contentsOf: UTF8.encode(u)!)
            default: throw fail("bad escape")
            }
        }
        throw fail("unterminated string")
    }

    /// Steps over a string (the index at its opening quote) with the checks of `string()`,
    /// building nothing unless it holds an escape (then `string()` reads and checks it).
    package mutating func skipString() throws(JSONParseError) {
        var i = index + 1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                index = i + 1
                return
            }
            guard b != UInt8(ascii: "\\"), b >= 0x20 else { break }
            i += 1
        }
        _ = try string()
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("unexpected end") }
        guard let v = Hex.value4(bytes, at: index) else { throw fail("bad \\u escape") }
        index += 4
        return v
    }

    package mutating func number() throws(JSONParseError) -> LuaValue {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digits = index
        var magnitude: UInt64 = 0
        var fits = true
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            if o1 || o2 { fits = false }
            magnitude = s
            index += 1
        }
        guard index > digits else { throw fail("expected a value") }
        guard !(bytes[digits] == UInt8(ascii: "0") && index - digits > 1) else { throw fail("leading zero") }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            let f = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > f else { throw fail("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let e = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > e else { throw fail("expected digits in the exponent") }
        }
        if integral, fits {
            if negative, magnitude <= UInt64(Int64.max) + 1 { return .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)) }
            if !negative, magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw fail("bad number") }
        return .number(d)
    }
}
