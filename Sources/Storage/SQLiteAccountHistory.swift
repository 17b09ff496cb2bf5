import Books
import Engine
import GRDB

/// Each account's gift rows: the `account_history_pages` projection up to the `account-history`
/// consumer's cursor, and the journal's gift rows after it (`AccountHistoryConsumer`). A read in
/// one transaction sees the projection and its cursor as one commit left them, so the two parts
/// meet exactly: nothing missed, nothing twice. Both name an account by its number
/// (`ledger_accounts.num`); an account without a row has taken part in no gift.
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
            guard let number = try number(db, key) else { return [] }
            let projected = try cursor(db)
            // The rows the consumer has not projected yet: a short range at the journal's end.
            var out = try rows(
                """
                SELECT offset, payload FROM journal WHERE offset > ? AND offset \(bound) ? AND (payer = ? OR payee = ?)
                ORDER BY offset DESC LIMIT ?
                """, [projected, upTo, number, number, limit])
            guard out.count < limit else { return out }
            // Then the projection's offsets at or below the highest one asked for, newest first.
            guard inclusive || upTo > Int64.min else { return out }
            let highest = min(inclusive ? upTo : upTo - 1, projected)
            for offset in try newestOffsets(db, account: number, atOrBelow: highest, limit: limit - out.count) {
                out.append((offset, try payload(db, offset: offset)))
            }
            return out
        }
    }

    /// Up to `limit` of the account's projected offsets at or below `highest`, newest first: the
    /// page that straddles `highest` (an account's pages never overlap), then the pages below it.
    private static func newestOffsets(_ db: Database, account: AccountNumber, atOrBelow highest: Int64, limit: Int) throws -> [Int64] {
        var out: [Int64] = []
        if let straddling = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT first, offsets FROM account_history_pages WHERE account = ? AND last > ? ORDER BY last LIMIT 1"),
            arguments: [account, highest]), (straddling["first"] as Int64) <= highest
        {
            out += try offsets(straddling["offsets"]).filter { $0 <= highest }.reversed()
        }
        let below = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT offsets FROM account_history_pages WHERE account = ? AND last <= ? ORDER BY last DESC"),
            arguments: [account, highest])
        while out.count < limit, let page = try below.next() {
            out += try offsets(page["offsets"]).reversed()
        }
        return Array(out.prefix(limit))
    }

    /// A page's offsets, ascending (as written; sorted again in case a migrated page's
    /// concatenation came out in another order).
    private static func offsets(_ text: String) throws -> [Int64] {
        var out: [Int64] = []
        for part in text.utf8.split(separator: UInt8(ascii: ",")) {
            guard let offset = Int64(Substring(part)) else {
                throw StorageError.corrupt(reason: "an account history page holds a malformed offset list")
            }
            out.append(offset)
        }
        return out.sorted()
    }

    /// The payload of the journal row at `offset` (a projected gift's).
    private static func payload(_ db: Database, offset: Int64) throws -> String {
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT payload FROM journal WHERE offset = ?"), arguments: [offset]) else {
            throw StorageError.corrupt(reason: "account history names journal offset \(offset), which holds no row")
        }
        return text
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
            guard let number = try number(db, key) else { return }
            let projected = try cursor(db)
            let pages = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT offsets FROM account_history_pages WHERE account = ? AND last <= ? ORDER BY last"),
                arguments: [number, projected])
            while let page = try pages.next() {
                for offset in try offsets(page["offsets"]) {
                    guard try body(offset, try payload(db, offset: offset)) else { return }
                }
            }
            _ = try each(
                "SELECT offset, payload FROM journal WHERE offset > ? AND (payer = ? OR payee = ?) ORDER BY offset", [projected, number, number])
        }
    }

    /// The last journal row the projection holds.
    static func cursor(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT offset FROM consumer_cursors WHERE name = ?"), arguments: [AccountHistoryConsumer.consumerName]) ?? 0
    }

    /// The number of the account whose text key is `key`, if it has a row.
    static func number(_ db: Database, _ key: String) throws -> AccountNumber? {
        try AccountNumber.fetchOne(db.cachedStatement(sql: "SELECT num FROM ledger_accounts WHERE id = ?"), arguments: [key])
    }

    /// The accounts a journal row names as payer and payee (a gift's), if any.
    static func parties(_ db: Database, offset: Int64) throws -> [AccountNumber] {
        // By position, straight from SQLite: it runs once a gift, on the consumers' hot path.
        let row = try db.cachedStatement(sql: "SELECT payer, payee FROM journal WHERE offset = ?")
            .firstRowRaw(.int(offset)) { (rawInt($0, 0), rawInt($0, 1)) }
        guard let row else { return [] }
        return [row.0, row.1].compactMap { $0 }
    }

    /// Projects one batch: a page per account. A page at an account's `last` offset already
    /// there is an error (each batch covers journal rows after the last one's).
    static func insert(_ db: Database, _ pages: [AccountHistoryPage]) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO account_history_pages (account, last, first, offsets) VALUES (?, ?, ?, ?)")
        for page in pages {
            var text = ""
            text.reserveCapacity(page.offsets.count * 8)
            for (i, offset) in page.offsets.enumerated() {
                if i > 0 { text += "," }
                text += String(offset)
            }
            try statement.runRaw(.int(page.account), .int(page.offsets[page.offsets.count - 1]), .int(page.offsets[0]), .text(text))
        }
    }
}
