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
        var arguments: StatementArguments = [offset]
        if let types {
            if types.isEmpty { return [] }
            sql += " AND type IN (\(databaseQuestionMarks(count: types.count)))"
            arguments += StatementArguments(types.sorted())
        }
        sql += " ORDER BY offset LIMIT ?"
        arguments += [limit]
        // A consumer asks the same question every batch: prepare it once per connection, and
        // read columns by position.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var entries: [JournalEntry] = []
        entries.reserveCapacity(min(limit, 1024))
        while let row = try rows.next() { entries.append(JournalEntry(columns: row)) }
        return entries
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
