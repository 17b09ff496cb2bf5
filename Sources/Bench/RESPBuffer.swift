/// RESP2 commands written straight into bytes, so building them costs the client little.
struct RESPBuffer {
    var bytes: [UInt8] = []

    static func command(_ parts: [String]) -> [UInt8] {
        var b = RESPBuffer()
        b.array(parts.count)
        for p in parts { b.bulk(p) }
        return b.bytes
    }

    mutating func array(_ n: Int) {
        bytes.append(UInt8(ascii: "*"))
        decimal(Int64(n))
        bytes.append(13); bytes.append(10)
    }

    mutating func bulk(_ s: String) {
        bytes.append(UInt8(ascii: "$"))
        decimal(Int64(s.utf8.count))
        bytes.append(13); bytes.append(10)
        bytes.append(contentsOf: s.utf8)
        bytes.append(13); bytes.append(10)
    }

    mutating func bulk(_ v: Int64) {
        bytes.append(UInt8(ascii: "$"))
        decimal(Int64(digits(v)))
        bytes.append(13); bytes.append(10)
        decimal(v)
        bytes.append(13); bytes.append(10)
    }

    /// `m<index>`, the members' names on both sides.
    mutating func bulkMember(_ index: Int) {
        bytes.append(UInt8(ascii: "$"))
        decimal(Int64(1 + digits(Int64(index))))
        bytes.append(13); bytes.append(10)
        bytes.append(UInt8(ascii: "m"))
        decimal(Int64(index))
        bytes.append(13); bytes.append(10)
    }

    private func digits(_ v: Int64) -> Int {
        var n = v < 0 ? 2 : 1
        var x = v.magnitude
        while x >= 10 {
            x /= 10
            n += 1
        }
        return n
    }

    private mutating func decimal(_ v: Int64) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var x = v.magnitude
        var divisor: UInt64 = 1
        while x / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(x / divisor))
            x %= divisor
            divisor /= 10
        }
    }
}

/// The end of the RESP2 value (any type, arrays included) starting at `i`, nil while incomplete.
func respValueEnd(_ b: [UInt8], from i: Int) -> Int? {
    guard i < b.count else { return nil }
    var j = i + 1
    while j + 1 < b.count, !(b[j] == 13 && b[j + 1] == 10) { j += 1 }
    guard j + 1 < b.count else { return nil }
    let lineEnd = j + 2
    switch b[i] {
    case UInt8(ascii: "$"):
        let n = respInteger(b, from: i + 1).value
        if n < 0 { return lineEnd }
        return b.count >= lineEnd + n + 2 ? lineEnd + n + 2 : nil
    case UInt8(ascii: "*"):
        var at = lineEnd
        for _ in 0..<max(0, respInteger(b, from: i + 1).value) {
            guard let end = respValueEnd(b, from: at) else { return nil }
            at = end
        }
        return at
    default:
        return lineEnd
    }
}

/// The decimal integer at `i`, up to the next CR.
func respInteger(_ b: [UInt8], from i: Int) -> (value: Int, end: Int) {
    var j = i
    let negative = b[j] == UInt8(ascii: "-")
    if negative { j += 1 }
    var v = 0
    while j < b.count, b[j] != 13 {
        v = v * 10 + Int(b[j] &- UInt8(ascii: "0"))
        j += 1
    }
    return (negative ? -v : v, j)
}

/// The strings of a RESP2 array of bulk strings.
func respBulkStrings(_ b: [UInt8]) -> [String] {
    guard b.first == UInt8(ascii: "*") else { return [] }
    var at = respInteger(b, from: 1).end + 2
    var out: [String] = []
    while at < b.count, b[at] == UInt8(ascii: "$") {
        let (n, end) = respInteger(b, from: at + 1)
        out.append(String(decoding: b[(end + 2)..<(end + 2 + n)], as: UTF8.self))
        at = end + 2 + n + 2
    }
    return out
}
