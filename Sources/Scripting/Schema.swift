import Foundation

/// The shape of a declaration field. Declarations are checked against these when a file loads,
/// and the same description generates the editor stubs, so the two cannot disagree.
public indirect enum FieldSpec: Sendable {
    case string(maxLength: Int = 200)
    /// An id: 1–64 of `[a-z0-9_-]`, starting with a letter or digit.
    case identifier
    case integer(min: Int64 = .min, max: Int64 = .max)
    case boolean
    case function
    /// An ISO 8601 time with an offset, e.g. `2027-01-20T00:00:00+08:00`.
    case timestamp
    /// A duration such as `90s`, `30m`, `24h`, `7d`.
    case duration
    case oneOf([String])
    case list(FieldSpec, maxCount: Int = 1_000)
    /// String keys to values of one shape; `keys` limits the allowed keys when given.
    case map(FieldSpec, keys: [String]? = nil, maxCount: Int = 1_000)
    case record(RecordSpec)
    /// Any plain value (string, number, boolean, table of those).
    case any

    /// The LuaLS type for stubs.
    var luaType: String {
        switch self {
        case .string, .identifier, .timestamp, .duration: "string"
        case .integer: "integer"
        case .boolean: "boolean"
        case .function: "function"
        case .oneOf(let values): values.map { "\"\($0)\"" }.joined(separator: "|")
        case .list(let inner, _): "\(inner.luaType)[]"
        case .map(let inner, _, _): "table<string, \(inner.luaType)>"
        case .record(let r): r.name
        case .any: "any"
        }
    }
}

/// A table with named fields; unknown fields are errors.
public struct RecordSpec: Sendable {
    /// One field.
    public struct Field: Sendable {
        public let name: String
        public let spec: FieldSpec
        public let required: Bool
        public let summary: String
        public init(_ name: String, _ spec: FieldSpec, required: Bool = false, _ summary: String = "") {
            self.name = name
            self.spec = spec
            self.required = required
            self.summary = summary
        }
    }

    /// Class name in stubs.
    public let name: String
    /// Fields in declaration order.
    public let fields: [Field]

    /// - Parameters: name: stub class name; fields: the allowed fields.
    public init(_ name: String, _ fields: [Field]) {
        self.name = name
        self.fields = fields
    }

    /// Every record reachable from this one (for stubs), this one first.
    var allRecords: [RecordSpec] {
        var out = [self]
        func visit(_ s: FieldSpec) {
            switch s {
            case .record(let r): out.append(contentsOf: r.allRecords)
            case .list(let inner, _), .map(let inner, _, _): visit(inner)
            default: break
            }
        }
        for f in fields { visit(f.spec) }
        return out
    }
}

package enum Durations {
    /// Seconds in a duration such as `90s`, `30m`, `24h`, `7d`; nil when malformed.
    package static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n > 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3_600
        case "d": scale = 86_400
        default: return nil
        }
        let (v, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : v
    }
}

public enum Timestamps {
    /// Milliseconds since the epoch for an ISO 8601 time with an explicit offset.
    public static func millis(_ text: String) -> Int64? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: text) { return Int64(d.timeIntervalSince1970 * 1000) }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return Int64(d.timeIntervalSince1970 * 1000) }
        return nil
    }
}
