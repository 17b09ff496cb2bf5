import Books
import Engine
import GRDB
import Scripting

/// Packed facts: many host-derived facts of one type in one journal row.
///
/// A consumer that derives facts (a task's `task_completed`) appends them at the end of its
/// batch, with the cursor, in one transaction: a crash loses the facts and the cursor together,
/// and the replay derives the same facts again, so no fact needs an idempotency key of its own.
/// A row per fact cost a b-tree insert per fact (and one into the idempotency index); a pack
/// costs one row per `packFactsMax` facts or `payloadBytesMax` bytes.
///
/// The row's payload is `[[at, payload], ...]` (each fact's time and its JSON object), its
/// `facts` column the count, its `created_at` the first fact's time. Readers
/// (`Journal.read`, `Journal.fact`) hand out the facts one by one, in order, each with the
/// row's offset and its `index`.
extension Journal {
    /// Most facts in one packed row.
    public static let packFactsMax = 1_024

    /// Appends `facts` (host-built JSON objects with their times), in order, packed into as few
    /// rows as `packFactsMax` and `payloadBytesMax` allow.
    /// - Returns: the rows written (0 for no facts).
    /// - Throws: `JournalError.invalidType`; `.payloadTooLarge` when one fact alone does not
    ///   fit a row; database errors.
    @discardableResult
    static func appendPacked(_ db: Database, type: String, facts: [(hostJSON: String, at: Int64)]) throws -> Int {
        guard !facts.isEmpty else { return 0 }
        guard !type.isEmpty, type.utf8.count <= typeBytesMax else { throw JournalError.invalidType(type) }
        let insert = try db.cachedStatement(sql: "INSERT INTO journal (type, payload, created_at, facts) VALUES (?, ?, ?, ?)")
        var rows = 0
        var text = "["
        var count = 0
        var firstAt: Int64 = 0
        func write() throws {
            text += "]"
            try insert.runRaw(.text(type), .text(text), .int(firstAt), .int(Int64(count)))
            rows += 1
            text = "["
            count = 0
        }
        for f in facts {
            let element = "[\(f.at),\(f.hostJSON)]"
            // Two brackets and a comma around each element at most.
            guard element.utf8.count + 2 <= payloadBytesMax else {
                throw JournalError.payloadTooLarge(bytes: element.utf8.count, max: payloadBytesMax)
            }
            if count > 0, count == packFactsMax || text.utf8.count + 1 + element.utf8.count + 1 > payloadBytesMax { try write() }
            if count == 0 {
                firstAt = f.at
            } else {
                text += ","
            }
            text += element
            count += 1
        }
        try write()
        return rows
    }

    /// The facts of a packed row, in order.
    /// - Throws: `JournalError.invalidPayload` when the payload is not a pack of `facts` facts.
    static func unpack(offset: Int64, type: String, payload: String, facts: Int) throws(JournalError) -> [JournalEntry] {
        var text = payload
        let parsed: Result<[JournalEntry], JSONParseError> = text.withUTF8 { bytes in
            var r = FastJSONReader(bytes: bytes)
            var out: [JournalEntry] = []
            out.reserveCapacity(facts)
            do throws(JSONParseError) {
                try r.expect("[")
                repeat {
                    try r.expect("[")
                    r.skipSpace()
                    guard r.index < bytes.count, case .integer(let at) = try r.number() else { throw r.fail("a packed fact's time is an integer") }
                    try r.expect(",")
                    r.skipSpace()
                    let start = r.index
                    guard start < bytes.count, bytes[start] == UInt8(ascii: "{") else { throw r.fail("a packed fact is an object") }
                    try r.skipValue(depth: 0)
                    let json = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<r.index]), as: UTF8.self)
                    try r.expect("]")
                    guard out.count < facts else { throw r.fail("more facts than the row's count \(facts)") }
                    out.append(JournalEntry(
                        offset: offset, type: type, payload: json, createdAt: at, idempotencyKey: nil, index: out.count, rowFacts: facts))
                } while try r.more(closing: "]")
                r.skipSpace()
                guard r.index == bytes.count else { throw r.fail("trailing characters") }
                guard out.count == facts else { throw r.fail("\(out.count) facts, the row's count is \(facts)") }
                return .success(out)
            } catch {
                return .failure(error)
            }
        }
        switch parsed {
        case .success(let entries): return entries
        case .failure(let e): throw JournalError.invalidPayload(reason: "offset \(offset): packed facts: \(e)")
        }
    }

    /// The entries of one row read by position: the row itself, or a pack's facts.
    static func entries(offset: Int64, type: String, payload: String, createdAt: Int64, key: String?, facts: Int64?) throws -> [JournalEntry] {
        guard let facts else { return [JournalEntry(offset: offset, type: type, payload: payload, createdAt: createdAt, idempotencyKey: key)] }
        guard facts >= 1, facts <= Int64(packFactsMax) else {
            throw JournalError.invalidPayload(reason: "offset \(offset): a pack of \(facts) facts (1...\(packFactsMax))")
        }
        return try unpack(offset: offset, type: type, payload: payload, facts: Int(facts))
    }

    /// One fact: the row at `offset`, or the fact at `index` of a packed row.
    /// - Returns: nil when there is no such row or fact.
    /// - Throws: `JournalError.invalidPayload` for a malformed pack; database errors.
    public static func fact(_ db: Database, at offset: Int64, index: Int) throws -> JournalEntry? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT \(JournalEntry.columns), facts FROM journal WHERE offset = ?", arguments: [offset])
        else { return nil }
        let all = try entries(offset: row[0], type: row[1], payload: row[2], createdAt: row[3], key: row[4], facts: row[5])
        return all.indices.contains(index) ? all[index] : nil
    }
}

extension FastJSONReader {
    /// Consumes `byte` after any space.
    mutating func expect(_ byte: Unicode.Scalar) throws(JSONParseError) {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: byte) else { throw fail("expected '\(byte)'") }
        index += 1
    }

    /// Steps over one value with the checks of `value(depth:)`, building nothing.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < LuaValue.jsonDepthMax else { throw fail("nested deeper than \(LuaValue.jsonDepthMax)") }
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            repeat {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                try skipString()
                try expect(":")
                try skipValue(depth: depth + 1)
            } while try more(closing: "}")
        case UInt8(ascii: "["):
            guard depth < LuaValue.jsonDepthMax else { throw fail("nested deeper than \(LuaValue.jsonDepthMax)") }
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            }
            repeat { try skipValue(depth: depth + 1) } while try more(closing: "]")
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try number()
        }
    }
}
