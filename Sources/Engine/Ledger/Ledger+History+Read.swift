import GRDB

extension Ledger {
    /// The transfers touching one account, newest first.
    /// - Parameters:
    ///   - account: the account.
    ///   - cursor: nil for the newest page, or a `nextCursor` from the previous page.
    ///   - limit: most transfers, 1...`pageLimitMax`.
    /// - Throws: `invalid_limit`, `invalid_cursor`, `invalid_account`, `unknown_asset`; storage errors.
    public func transfers(account: AccountID, cursor: String? = nil, limit: Int = 50) async throws -> TransferPage {
        try check(account)
        let before = try Self.pageStart(cursor: cursor, limit: limit)
        let key = account.description
        return try await store.read { db in
            try Self.page(db, where: "(debit_account = ? OR credit_account = ?)", [key, key], before: before, limit: limit)
        }
    }

    /// The transfers touching any account of a user, newest first (see `transfers(account:...)`).
    /// - Throws: `invalid_limit`, `invalid_cursor`, `invalid_account`; storage errors.
    public func transfers(user: String, cursor: String? = nil, limit: Int = 50) async throws -> TransferPage {
        try AccountID.user(user, "coins").validateOwner()
        let before = try Self.pageStart(cursor: cursor, limit: limit)
        let keys = configuration.assets.map { AccountID.user(user, $0).description }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        return try await store.read { db in
            try Self.page(
                db, where: "(debit_account IN (\(marks)) OR credit_account IN (\(marks)))", keys + keys,
                before: before, limit: limit)
        }
    }

    private static func pageStart(cursor: String?, limit: Int) throws -> Int64 {
        guard (1...pageLimitMax).contains(limit) else { throw LedgerError.invalidLimit(limit, max: pageLimitMax) }
        return try cursor.map(TransferPage.seq(fromCursor:)) ?? Int64.max
    }

    private static func page(
        _ db: Database, where condition: String, _ keys: [String], before: Int64, limit: Int
    ) throws -> TransferPage {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM ledger_transfers WHERE \(condition) AND seq < ? ORDER BY seq DESC LIMIT ?",
            arguments: StatementArguments(keys) + [before, limit + 1])
        let transfers = rows.prefix(limit).map(Transfer.init(row:))
        let next = rows.count > limit ? transfers.last.map { TransferPage.cursor(before: $0.seq) } : nil
        return TransferPage(transfers: Array(transfers), nextCursor: next)
    }
}
