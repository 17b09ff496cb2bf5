import GRDB

extension Journal {
    /// Entries after `offset`, oldest first.
    /// - Parameters:
    ///   - db: any connection.
    ///   - offset: read entries with a greater offset (0 reads from the start).
    ///   - limit: most entries, 1...`readLimitMax`.
    ///   - types: only these types; `nil` for all.
    /// - Throws: `JournalError.invalidLimit`; database errors.
    public static func read(
        _ db: Database, after offset: Int64, limit: Int, types: Set<String>? = nil
    ) throws -> [JournalEntry] {
        guard (1...readLimitMax).contains(limit) else { throw JournalError.invalidLimit(limit, max: readLimitMax) }
        var sql = "SELECT \(JournalEntry.columns) FROM journal WHERE offset > ?"
        var arguments: [RawValue] = [.int(offset)]
        if let types {
            if types.isEmpty { return [] }
            sql += " AND type IN (\(databaseQuestionMarks(count: types.count)))"
            arguments += types.sorted().map(RawValue.text)
        }
        sql += " ORDER BY offset LIMIT ?"
        arguments.append(.int(Int64(limit)))
        // A consumer asks the same question every batch: prepare it once per connection, and
        // read columns by position, straight from SQLite.
        return try db.cachedStatement(sql: sql).allRowsRaw(arguments, capacity: min(limit, 1024)) { row in
            JournalEntry(offset: rawInt(row, 0) ?? 0, type: rawText(row, 1), payload: rawText(row, 2),
                createdAt: rawInt(row, 3) ?? 0, idempotencyKey: rawOptionalText(row, 4))
        }
    }

    /// The entry at `offset`, if any.
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
