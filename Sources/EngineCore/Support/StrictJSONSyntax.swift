/// A strict check of JSON text from outside (request bodies, WebSocket frames), run before any
/// decoder sees it. Foundation's reader is lenient where an attacker or a buggy client profits:
/// it takes trailing commas, keeps the first of two equal keys, reads `1.0` and `1e2` as
/// integers, and passes NUL and other control characters into text. This reader refuses each of
/// these, naming the field:
/// - syntax exactly as RFC 8259: no trailing commas, comments, `NaN`, leading zeros or `+`;
///   only the four JSON whitespace bytes; valid UTF-8; escapes and surrogate pairs well formed;
/// - a key that appears twice in one object: `duplicate_field`;
/// - a number with a fraction or an exponent, or outside `Int64`: `invalid_field` (no request
///   body takes a non-integer number; amounts and counts are integers, never `Double`);
/// - text (after unescaping) holding U+0000–U+001F or U+007F: `invalid_field`;
/// - nesting deeper than `depthMax`: `malformed_json`.
public enum StrictJSONSyntax {
    /// Deepest nesting of objects and arrays accepted.
    public static let depthMax = 32

    /// Checks `bytes` as one JSON object under the rules above.
    /// - Parameter nested: the keys allowed in nested objects, by path: `split` for the object
    ///   at the top-level key `split`, `words.*` for each object in the array `words`. An object
    ///   at a listed path with any other key is refused (`unknown_field`, naming it).
    /// - Returns: the object's top-level keys (for the caller's check of unknown fields).
    /// - Throws: `StrictJSONError` with code `malformed_json` (also when the value is not an
    ///   object), `duplicate_field`, `invalid_field` or `unknown_field`.
    @discardableResult
    public static func validateObject(_ bytes: some Collection<UInt8>, nested: [String: Set<String>] = [:]) throws(StrictJSONError) -> Set<String> {
        try readObject(bytes, nested: nested, keepingValues: false).keys
    }

    /// Checks `bytes` as `validateObject` does and returns the top-level object's values: the
    /// one pass a hot route needs, with no second decoder (a gift send's body).
    /// - Throws: as `validateObject`.
    public static func parseFlatObject(_ bytes: some Collection<UInt8>) throws(StrictJSONError) -> [String: StrictJSONValue] {
        try readObject(bytes, nested: [:], keepingValues: true).values
    }

    /// The one reader behind both: the object's keys, and its values when asked for.
    private static func readObject(
        _ bytes: some Collection<UInt8>, nested: [String: Set<String>], keepingValues: Bool
    ) throws(StrictJSONError) -> (keys: Set<String>, values: [String: StrictJSONValue]) {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(StrictJSONError) -> (keys: Set<String>, values: [String: StrictJSONValue]) in
            var reader = Reader(bytes: buffer, nested: nested)
            if keepingValues { reader.topLevel = [:] }
            reader.skipSpace()
            guard !reader.atEnd else { throw reader.malformed("the body is empty") }
            guard reader.peek == UInt8(ascii: "{") else {
                throw StrictJSONError(.malformed, "request body must be a JSON object")
            }
            let keys = try reader.object(depth: 1)
            reader.skipSpace()
            guard reader.atEnd else { throw reader.malformed("unexpected text after the JSON value") }
            return (keys, reader.topLevel ?? [:])
        }
    }
}

/// A top-level value of a strictly checked object (`StrictJSONSyntax.parseFlatObject`).
public enum StrictJSONValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case null
    /// An object, an array or a boolean, named for an error message.
    case other(String)
}

/// Why a JSON text was refused: `code` is the API error code, `message` names the field.
public struct StrictJSONError: Error, Equatable, Sendable {
    /// The kinds of refusal.
    public enum Kind: String, Sendable {
        case malformed = "malformed_json"
        case duplicate = "duplicate_field"
        case invalid = "invalid_field"
        case unknown = "unknown_field"
    }
    public let kind: Kind
    public let message: String
    /// The API error code.
    public var code: String { kind.rawValue }

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

private struct Reader {
    /// One step of the path to the value being read, spelt out only for an error.
    enum Step {
        case key(String)
        case index(Int)
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let nested: [String: Set<String>]
    var at = 0
    var path: [Step] = []
    /// The top-level object's values, when the caller asked for them (`parseFlatObject`).
    var topLevel: [String: StrictJSONValue]?

    init(bytes: UnsafeBufferPointer<UInt8>, nested: [String: Set<String>]) {
        self.bytes = bytes
        self.nested = nested
    }

    /// Refuses a key of a nested object that `nested` does not allow at this path.
    func checkNested(_ keys: Set<String>) throws(StrictJSONError) {
        guard !nested.isEmpty, !path.isEmpty else { return }
        let pattern = path.map { step -> String in
            switch step {
            case .key(let k): k
            case .index: "*"
            }
        }.joined(separator: ".")
        guard let allowed = nested[pattern], let unknown = keys.subtracting(allowed).sorted().first else { return }
        throw StrictJSONError(.unknown, "unknown field '\(field(unknown))'")
    }

    var atEnd: Bool { at >= bytes.count }
    var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

    func malformed(_ why: String) -> StrictJSONError {
        StrictJSONError(.malformed, "request body is not valid JSON: \(why) at byte \(at)")
    }

    /// The field being read, as `a.b.0.c`; `extra` is appended (a key not yet pushed).
    func field(_ extra: String? = nil) -> String {
        var parts = path.map { step -> String in
            switch step {
            case .key(let k): k
            case .index(let i): String(i)
            }
        }
        if let extra { parts.append(extra) }
        return parts.isEmpty ? "(body)" : parts.joined(separator: ".")
    }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    mutating func expect(_ literal: StaticString) throws(StrictJSONError) {
        let n = literal.utf8CodeUnitCount
        guard at + n <= bytes.count else { throw malformed("unexpected end") }
        for i in 0..<n where bytes[at + i] != literal.utf8Start[i] { throw malformed("unexpected character") }
        at += n
    }

    /// Reads any value; returns it when it is a string or an integer (what a flat body holds).
    @discardableResult
    mutating func value(depth: Int) throws(StrictJSONError) -> StrictJSONValue {
        skipSpace()
        guard let c = peek else { throw malformed("unexpected end") }
        switch c {
        case UInt8(ascii: "{"):
            _ = try object(depth: depth + 1)
            return .other("an object")
        case UInt8(ascii: "["):
            try array(depth: depth + 1)
            return .other("an array")
        case UInt8(ascii: "\""): return .string(try string(isKey: false))
        case UInt8(ascii: "t"):
            try expect("true")
            return .other("a boolean")
        case UInt8(ascii: "f"):
            try expect("false")
            return .other("a boolean")
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try number())
        default: throw malformed("unexpected character")
        }
    }

    mutating func object(depth: Int) throws(StrictJSONError) -> Set<String> {
        guard depth <= StrictJSONSyntax.depthMax else { throw malformed("nested deeper than \(StrictJSONSyntax.depthMax)") }
        at += 1
        skipSpace()
        var keys = Set<String>()
        if peek == UInt8(ascii: "}") {
            at += 1
            try checkNested(keys)
            return keys
        }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw malformed("expected a field name") }
            let key = try string(isKey: true)
            guard keys.insert(key).inserted else {
                throw StrictJSONError(.duplicate, "field '\(field(key))' appears more than once")
            }
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw malformed("expected ':'") }
            at += 1
            path.append(.key(key))
            let read = try value(depth: depth)
            if depth == 1, topLevel != nil { topLevel?[key] = read }
            path.removeLast()
            skipSpace()
            guard let c = peek else { throw malformed("unexpected end") }
            at += 1
            if c == UInt8(ascii: "}") {
                try checkNested(keys)
                return keys
            }
            guard c == UInt8(ascii: ",") else { throw malformed("expected ',' or '}'") }
        }
    }

    mutating func array(depth: Int) throws(StrictJSONError) {
        guard depth <= StrictJSONSyntax.depthMax else { throw malformed("nested deeper than \(StrictJSONSyntax.depthMax)") }
        at += 1
        skipSpace()
        if peek == UInt8(ascii: "]") {
            at += 1
            return
        }
        var index = 0
        while true {
            path.append(.index(index))
            try value(depth: depth)
            path.removeLast()
            index += 1
            skipSpace()
            guard let c = peek else { throw malformed("unexpected end") }
            at += 1
            if c == UInt8(ascii: "]") { return }
            guard c == UInt8(ascii: ",") else { throw malformed("expected ',' or ']'") }
        }
    }

    /// Reads an integer literal; anything else a number may be is refused with its field.
    mutating func number() throws(StrictJSONError) -> Int64 {
        let start = at
        if peek == UInt8(ascii: "-") { at += 1 }
        guard let first = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { throw malformed("invalid number") }
        while let d = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(d) { at += 1 }
        let digits = at - start - (bytes[start] == UInt8(ascii: "-") ? 1 : 0)
        if first == UInt8(ascii: "0"), digits > 1 { throw malformed("number with a leading zero") }
        if let c = peek, c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            throw StrictJSONError(.invalid, "field '\(field())' must be an integer (no fraction or exponent)")
        }
        if let c = peek, !(c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == UInt8(ascii: ",")
            || c == UInt8(ascii: "}") || c == UInt8(ascii: "]"))
        {
            throw malformed("invalid number")
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        guard let value = Int64(text) else {
            throw StrictJSONError(.invalid, "field '\(field())' is out of range (a 64-bit integer)")
        }
        return value
    }

    /// Reads a string; returns it decoded (keys are needed to find duplicates).
    mutating func string(isKey: Bool) throws(StrictJSONError) -> String {
        at += 1
        var scalars = String.UnicodeScalarView()
        var control = false
        while true {
            guard at < bytes.count else { throw malformed("unterminated string") }
            let c = bytes[at]
            if c == UInt8(ascii: "\"") {
                at += 1
                break
            }
            if c < 0x20 { throw malformed("raw control character in a string") }
            if c == UInt8(ascii: "\\") {
                let scalar = try escape()
                if scalar.value < 0x20 || scalar.value == 0x7F { control = true }
                scalars.append(scalar)
                continue
            }
            let scalar = try utf8Scalar()
            if scalar.value == 0x7F { control = true }
            scalars.append(scalar)
        }
        let text = String(scalars)
        if control {
            throw StrictJSONError(.invalid, "field '\(isKey ? field(text) : field())' must not contain control characters")
        }
        return text
    }

    mutating func escape() throws(StrictJSONError) -> Unicode.Scalar {
        guard at + 1 < bytes.count else { throw malformed("unterminated escape") }
        let e = bytes[at + 1]
        at += 2
        switch e {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800...0xDBFF).contains(high) {
                guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                    throw malformed("unpaired surrogate")
                }
                at += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw malformed("unpaired surrogate") }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw malformed("unpaired surrogate") }
            return scalar
        default:
            throw malformed("invalid escape")
        }
    }

    mutating func hex4() throws(StrictJSONError) -> UInt32 {
        guard let v = Hex.value4(bytes, at: at) else { throw malformed("invalid \\u escape") }
        at += 4
        return v
    }

    /// Decodes one UTF-8 scalar (shortest form, no surrogates, at most U+10FFFF).
    mutating func utf8Scalar() throws(StrictJSONError) -> Unicode.Scalar {
        let b0 = bytes[at]
        let (count, minimum, initial): (Int, UInt32, UInt32)
        switch b0 {
        case 0x00...0x7F:
            at += 1
            return Unicode.Scalar(b0)
        case 0xC2...0xDF: (count, minimum, initial) = (2, 0x80, UInt32(b0 & 0x1F))
        case 0xE0...0xEF: (count, minimum, initial) = (3, 0x800, UInt32(b0 & 0x0F))
        case 0xF0...0xF4: (count, minimum, initial) = (4, 0x10000, UInt32(b0 & 0x07))
        default: throw malformed("invalid UTF-8")
        }
        guard at + count <= bytes.count else { throw malformed("invalid UTF-8") }
        var v = initial
        for i in 1..<count {
            let b = bytes[at + i]
            guard b & 0xC0 == 0x80 else { throw malformed("invalid UTF-8") }
            v = v << 6 | UInt32(b & 0x3F)
        }
        guard v >= minimum, let scalar = Unicode.Scalar(v) else { throw malformed("invalid UTF-8") }
        at += count
        return scalar
    }
}
