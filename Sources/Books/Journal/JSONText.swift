import Scripting

/// JSON text written by hand for the facts the host appends on hot paths (a `task_completed`
/// per stage reached), where `JSONEncoder` cost more than the rest of the append. The output is
/// what `Journal.append(payload:)` would write: keys sorted, slashes not escaped. The host writes
/// its hot frames (a gift's receipt on the room socket) with `quoted` too.
public enum JSONText {
    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        // The common case, nothing to escape: the bytes between two quotes, one allocation.
        var s = s
        let count = s.utf8.count
        if s.withUTF8({ JSONBytes.isPlain($0) }) {
            return String(unsafeUninitializedCapacity: count + 2) { buffer in
                buffer[0] = 0x22
                s.withUTF8 { source in
                    for i in 0..<count { buffer[i + 1] = source[i] }
                }
                buffer[count + 1] = 0x22
                return count + 2
            }
        }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}

extension JSONText {
    /// A handler's table as JSON text, keys sorted: the bytes `JSONEncoder` with sorted keys
    /// writes for the same `LuaValue`, for values built of strings, integers, booleans and
    /// tables with ASCII keys (an empty table is `{}`); nil for anything else (a double, a
    /// non-ASCII key, a table with both a sequence and keys), which the caller encodes with
    /// `JSONEncoder`.
    package static func json(_ value: LuaValue) -> String? {
        var out = ""
        return write(value, into: &out) ? out : nil
    }

    private static func write(_ value: LuaValue, into out: inout String) -> Bool {
        switch value {
        case .string(let s): out += quoted(s)
        case .integer(let n): out += String(n)
        case .boolean(let b): out += b ? "true" : "false"
        case .table(let t):
            if t.fields.isEmpty && !t.array.isEmpty {
                // A table with only a sequence is an array, as its encoding.
                out += "["
                for (i, item) in t.array.enumerated() {
                    if i > 0 { out += "," }
                    guard write(item, into: &out) else { return false }
                }
                out += "]"
                return true
            }
            // Sequence items beside keys go under "1", "2"...: left to the encoder.
            guard t.array.isEmpty else { return false }
            guard t.fields.keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return false }
            out += "{"
            for (i, key) in t.fields.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                out += quoted(key) + ":"
                guard write(t.fields[key]!, into: &out) else { return false }
            }
            out += "}"
        default: return false
        }
        return true
    }
}

extension Reward {
    /// The reward's JSON text, as `JSONEncoder` with sorted keys writes it.
    package var jsonText: String {
        switch self {
        case .asset(let asset, let amount): "{\"amount\":\(amount),\"asset\":\(JSONText.quoted(asset)),\"kind\":\"asset\"}"
        case .badge(let name): "{\"kind\":\"badge\",\"name\":\(JSONText.quoted(name))}"
        case .item(let name, let count): "{\"count\":\(count),\"kind\":\"item\",\"name\":\(JSONText.quoted(name))}"
        }
    }
}

/// JSON text written as bytes, for the receipts and facts the hot paths write by hand: one
/// buffer, no intermediate strings. Strings are escaped exactly as `JSONText.quoted` does.
package struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    package init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Whether a string's UTF-8 needs no escaping inside quotes (no quote, backslash or control byte).
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in utf8 where b < 0x20 || b == 0x22 || b == 0x5C { return false }
        return true
    }

    /// Appends text as is (keys, punctuation).
    package mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends an integer in decimal, as `String(n)` writes it.
    package mutating func int(_ n: Int64) {
        if n >= 0 && n < 10 {
            bytes.append(0x30 &+ UInt8(truncatingIfNeeded: n))
            return
        }
        // Digits written backwards into a buffer on the stack, then appended in one copy.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var first = 20
            var magnitude = n.magnitude
            repeat {
                first -= 1
                digits[first] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
                magnitude /= 10
            } while magnitude > 0
            if n < 0 { bytes.append(0x2D) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first..<20]))
        }
    }

    /// Appends bytes written before (a piece of JSON made by another `JSONBytes`).
    package mutating func raw(_ piece: [UInt8]) {
        bytes.append(contentsOf: piece)
    }

    /// Appends `s` as a JSON string literal, quotes included.
    package mutating func quoted(_ s: String) {
        var s = s
        let plain = s.withUTF8 { utf8 -> Bool in
            guard Self.isPlain(utf8) else { return false }
            bytes.append(0x22)
            bytes.append(contentsOf: utf8)
            bytes.append(0x22)
            return true
        }
        if !plain { bytes.append(contentsOf: JSONText.quoted(s).utf8) }
    }

    /// The text written.
    package var text: String { String(decoding: bytes, as: UTF8.self) }
}
