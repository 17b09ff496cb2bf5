import Books
import Engine
import GRDB

extension Journal {
    /// The one type `journal_type_offset` leaves out (v22): gifts are most of the journal's rows,
    /// and every reader of gifts reads them in offset order.
    static let unindexedType = GiftReceipt.factType

    /// The condition for rows of `types`, with one `?` a type, bound in the order given: `type IN (?, ...)`, and, when gifts are not among them, `AND type != 'gift'` as
    /// well, the partial index's own condition, so that SQLite reads them by
    /// `journal_type_offset`. Asked for gifts, SQLite reads in offset order.
    /// - Parameter column: the type column as the query names it.
    /// - Precondition: `types` is not empty (`type IN ()` is no SQL); callers return early.
    static func typeCondition(_ types: some Collection<String>, column: String = "type") -> String {
        precondition(!types.isEmpty, "a type condition names at least one type")
        let condition = "\(column) IN (\(databaseQuestionMarks(count: types.count)))"
        return types.contains(unindexedType) ? condition : condition + " AND \(column) != '\(unindexedType)'"
    }

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
        _ db: Database, after position: JournalPosition, limit: Int, types: Set<String>?, through: Int64? = nil
    ) throws -> (entries: [JournalEntry], rows: Int) {
        guard try mayFind(limit: limit, types: types) else { return ([], 0) }
        let rows = try rows(db, after: position.rowsAfter, through: through, limit: limit, types: types)
        return (try unpacked(rows, after: position), rows.count)
    }

    /// Checks a read's limit; false when its type filter is empty (it reads nothing).
    /// - Throws: `JournalError.invalidLimit` outside 1...`readLimitMax`.
    static func mayFind(limit: Int, types: Set<String>?) throws -> Bool {
        guard (1...readLimitMax).contains(limit) else { throw JournalError.invalidLimit(limit, max: readLimitMax) }
        return types.map { !$0.isEmpty } ?? true
    }

    /// A journal row as stored: its entry (a packed row's payload holds its facts) and, for a
    /// packed row, how many facts it holds.
    struct StoredRow: Sendable {
        let entry: JournalEntry
        let facts: Int64?
    }

    /// Rows with an offset above `offset` (and at most `through`), oldest first, at most
    /// `limit` of them, only of `types` when given (not empty).
    /// - Throws: database errors.
    static func rows(_ db: Database, after offset: Int64, through: Int64?, limit: Int, types: Set<String>?) throws -> [StoredRow] {
        var sql = "SELECT \(JournalEntry.columns), facts FROM journal WHERE offset > ?"
        var arguments: [RawValue] = [.int(offset)]
        if let through {
            sql += " AND offset <= ?"
            arguments.append(.int(through))
        }
        if let types {
            let sorted = types.sorted()
            sql += " AND " + typeCondition(sorted)
            arguments += sorted.map(RawValue.text)
        }
        sql += " ORDER BY offset LIMIT ?"
        arguments.append(.int(Int64(limit)))
        // A consumer asks the same question every batch: prepare it once per connection, and
        // read columns by position, straight from SQLite.
        return try db.cachedStatement(sql: sql).allRowsRaw(arguments, capacity: min(limit, 1024)) { row in
            StoredRow(
                entry: JournalEntry(offset: rawInt(row, 0) ?? 0, type: rawText(row, 1), payload: rawText(row, 2),
                    createdAt: rawInt(row, 3) ?? 0, idempotencyKey: rawOptionalText(row, 4)),
                facts: rawInt(row, 5))
        }
    }

    /// The facts of `rows` after `position`, oldest first: packed rows unpacked, and of the
    /// row the position stands in, only the facts it has not done. A page without a packed
    /// row is returned as read.
    /// - Throws: `JournalError.invalidPayload` for a malformed pack.
    static func unpacked(_ rows: [StoredRow], after position: JournalPosition) throws -> [JournalEntry] {
        guard rows.contains(where: { $0.facts != nil }) else {
            // Only a position inside a packed row reads a row it is partly done with.
            return rows.map(\.entry)
        }
        func after(_ e: JournalEntry) -> Bool { position.precedes(offset: e.offset, index: e.index) }
        var entries: [JournalEntry] = []
        entries.reserveCapacity(rows.count + 64)
        for row in rows {
            if let facts = row.facts {
                let e = row.entry
                entries += try Self.entries(
                    offset: e.offset, type: e.type, payload: e.payload, createdAt: e.createdAt, key: nil, facts: facts
                ).lazy.filter(after)
            } else if after(row.entry) {
                entries.append(row.entry)
            }
        }
        return entries
    }

    /// The row at `offset`, if any, as it is stored (a packed row's payload holds its facts:
    /// read those with `fact(_:at:index:)`).
    /// - Throws: database errors.
    public static func entry(_ db: Database, at offset: Int64) throws -> JournalEntry? {
        try Row.fetchOne(db, sql: "SELECT * FROM journal WHERE offset = ?", arguments: [offset])
            .map(JournalEntry.init(row:))
    }

    /// Whether any row of `types` lies in (`after`, `through`]: one seek per type in
    /// `journal_type_offset`, or, for gifts, which that index leaves out, a walk of the range in
    /// offset order that stops at the first row found; false for no types.
    /// - Throws: database errors.
    static func hasRows(_ db: Database, after: Int64, through: Int64, types: Set<String>) throws -> Bool {
        guard !types.isEmpty else { return false }
        let sql = "SELECT EXISTS (SELECT 1 FROM journal WHERE \(typeCondition(types)) AND offset > ? AND offset <= ?)"
        let arguments = StatementArguments(types.sorted()) + [after, through]
        return try Bool.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) ?? false
    }

    /// The offset of the newest entry, or 0 when the journal is empty.
    /// - Throws: database errors.
    public static func latestOffset(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(offset) FROM journal")) ?? 0
    }
}
