import GRDB

extension Journal {
    /// Entries after `offset`, oldest first; a packed row's facts one by one.
    /// - Parameters:
    ///   - db: any connection.
    ///   - offset: read entries with a greater offset (0 reads from the start).
    ///   - limit: most rows, 1...`readLimitMax` (a packed row counts once, with all its facts).
    ///   - types: only these types; `nil` for all.
    /// - Throws: `JournalError.invalidLimit`, `.invalidPayload` for a malformed pack; database errors.
    public static func read(
        _ db: Database, after offset: Int64, limit: Int, types: Set<String>? = nil
    ) throws -> [JournalEntry] {
        try read(db, after: JournalPosition(offset: offset), limit: limit, types: types).entries
    }

    /// The facts after `position`, oldest first, from at most `limit` rows: the rest of a
    /// packed row the position stands in, then whole rows.
    /// - Returns: the facts, and how many rows were read (`limit` when more may follow).
    /// - Throws: as `read(_:after:limit:types:)`.
    static func read(
        _ db: Database, after position: JournalPosition, limit: Int, types: Set<String>?
    ) throws -> (entries: [JournalEntry], rows: Int) {
        guard (1...readLimitMax).contains(limit) else { throw JournalError.invalidLimit(limit, max: readLimitMax) }
        // Inside a packed row, that row is read again for its remaining facts.
        let inRow = position.index != JournalPosition.wholeRow
        var sql = "SELECT \(JournalEntry.columns), facts FROM journal WHERE offset \(inRow ? ">=" : ">") ?"
        var arguments: [RawValue] = [.int(position.offset)]
        if let types {
            if types.isEmpty { return ([], 0) }
            sql += " AND type IN (\(databaseQuestionMarks(count: types.count)))"
            arguments += types.sorted().map(RawValue.text)
        }
        sql += " ORDER BY offset LIMIT ?"
        arguments.append(.int(Int64(limit)))
        // A consumer asks the same question every batch: prepare it once per connection, and
        // read columns by position, straight from SQLite. Packed rows are noted as they are
        // read and unpacked afterwards, in place: a page without one is returned as read.
        var packed: [(row: Int, facts: Int64)] = []
        var count = 0
        let rows = try db.cachedStatement(sql: sql).allRowsRaw(arguments, capacity: min(limit, 1024)) { row in
            if let facts = rawInt(row, 5) { packed.append((count, facts)) }
            count += 1
            return JournalEntry(offset: rawInt(row, 0) ?? 0, type: rawText(row, 1), payload: rawText(row, 2),
                createdAt: rawInt(row, 3) ?? 0, idempotencyKey: rawOptionalText(row, 4))
        }
        // Only a position inside a packed row reads a row it is partly done with.
        guard !packed.isEmpty else { return (rows, rows.count) }
        func after(_ e: JournalEntry) -> Bool { position.precedes(offset: e.offset, index: e.index) }
        var entries: [JournalEntry] = []
        entries.reserveCapacity(rows.count + packed.count * 64)
        var next = 0
        for p in packed {
            entries += rows[next..<p.row].lazy.filter(after)
            let row = rows[p.row]
            entries += try Self.entries(
                offset: row.offset, type: row.type, payload: row.payload, createdAt: row.createdAt, key: nil, facts: p.facts
            ).lazy.filter(after)
            next = p.row + 1
        }
        entries += rows[next...].lazy.filter(after)
        return (entries, rows.count)
    }

    /// The row at `offset`, if any, as it is stored (a packed row's payload holds its facts:
    /// read those with `fact(_:at:index:)`).
    /// - Throws: database errors.
    public static func entry(_ db: Database, at offset: Int64) throws -> JournalEntry? {
        try Row.fetchOne(db, sql: "SELECT * FROM journal WHERE offset = ?", arguments: [offset])
            .map(JournalEntry.init(row:))
    }

    /// The offset of the newest entry, or 0 when the journal is empty.
    /// - Throws: database errors.
    public static func latestOffset(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(offset) FROM journal")) ?? 0
    }
}
