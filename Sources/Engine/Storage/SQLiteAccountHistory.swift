import GRDB

/// Each account's gift rows: the `account_history` projection up to the `account-history`
/// consumer's cursor, and the journal's gift rows after it (`AccountHistoryConsumer`). A read in
/// one transaction sees the projection and its cursor as one commit left them, so the two parts
/// meet exactly: nothing missed, nothing twice.
enum SQLiteAccountHistory {
    /// Which gift rows (`GiftStream`).
    typealias Stream = GiftStream

    /// The account's gift rows (offset, payload) at or before `upTo` (before it, without
    /// `inclusive`), newest first, at most `limit`.
    static func newest(_ db: Database, _ stream: Stream, upTo: Int64, inclusive: Bool, limit: Int) throws -> [(offset: Int64, payload: String)] {
        let bound = inclusive ? "<=" : "<"
        func rows(_ sql: String, _ arguments: StatementArguments) throws -> [(offset: Int64, payload: String)] {
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { ($0["offset"], $0["payload"]) }
        }
        switch stream {
        case .allGifts:
            return try rows(
                "SELECT offset, payload FROM journal WHERE type = 'gift' AND payer IS NOT NULL AND offset \(bound) ? ORDER BY offset DESC LIMIT ?",
                [upTo, limit])
        case .account(let key):
            let projected = try cursor(db)
            // The rows the consumer has not projected yet: a short range at the journal's end.
            var out = try rows(
                """
                SELECT offset, payload FROM journal WHERE offset > ? AND offset \(bound) ? AND (payer = ? OR payee = ?)
                ORDER BY offset DESC LIMIT ?
                """, [projected, upTo, key, key, limit])
            guard out.count < limit else { return out }
            out += try rows(
                """
                SELECT j.offset, j.payload FROM account_history h JOIN journal j ON j.offset = h.offset
                WHERE h.account = ? AND h.offset <= ? AND h.offset \(bound) ? ORDER BY h.offset DESC LIMIT ?
                """, [key, projected, upTo, limit - out.count])
            return out
        }
    }

    /// Calls `body` with the account's gift rows (offset, payload), oldest first, until it
    /// returns false.
    static func forEachOldestFirst(_ db: Database, _ stream: Stream, _ body: (Int64, String) throws -> Bool) throws {
        func each(_ sql: String, _ arguments: StatementArguments) throws -> Bool {
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                guard try body(row["offset"], row["payload"]) else { return false }
            }
            return true
        }
        switch stream {
        case .allGifts:
            _ = try each("SELECT offset, payload FROM journal WHERE type = 'gift' AND payer IS NOT NULL ORDER BY offset", [])
        case .account(let key):
            let projected = try cursor(db)
            guard try each(
                """
                SELECT j.offset, j.payload FROM account_history h JOIN journal j ON j.offset = h.offset
                WHERE h.account = ? AND h.offset <= ? ORDER BY h.offset
                """, [key, projected])
            else { return }
            _ = try each(
                "SELECT offset, payload FROM journal WHERE offset > ? AND (payer = ? OR payee = ?) ORDER BY offset", [projected, key, key])
        }
    }

    /// The last journal row the projection holds.
    static func cursor(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT offset FROM consumer_cursors WHERE name = ?"), arguments: [AccountHistoryConsumer.consumerName]) ?? 0
    }

    /// The accounts a journal row names as payer and payee (a gift's), if any.
    static func parties(_ db: Database, offset: Int64) throws -> [String] {
        // By position, straight from SQLite: it runs once a gift, on the consumers' hot path.
        let row = try db.cachedStatement(sql: "SELECT payer, payee FROM journal WHERE offset = ?")
            .firstRowRaw(.int(offset)) { (rawOptionalText($0, 0), rawOptionalText($0, 1)) }
        guard let row else { return [] }
        return [row.0, row.1].compactMap { $0 }
    }

    /// Projects rows (account, offset); a row already there is kept.
    static func insert(_ db: Database, _ rows: [(account: String, offset: Int64)]) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO account_history (account, offset) VALUES (?, ?)")
        for r in rows { try statement.runRaw(.text(r.account), .int(r.offset)) }
    }
}
