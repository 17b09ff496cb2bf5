import GRDB

extension Ledger {
    /// A user's posted balance of every asset, 0 for assets never used.
    /// - Throws: `invalid_account` for a malformed user id; storage errors.
    public func balances(user: String) async throws -> [String: Int64] {
        try AccountID.user(user, "coins").validateOwner()
        return try await store.read { db in try balances(db, user: user) }
    }

    /// A user's posted balances inside the caller's transaction (see `balances(user:)`).
    public func balances(_ db: Database, user: String) throws -> [String: Int64] {
        var result = Dictionary(uniqueKeysWithValues: configuration.assets.map { ($0, Int64(0)) })
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT asset, balance FROM ledger_accounts WHERE owner_kind = 'user' AND owner = ?"), arguments: [user])
        for row in rows {
            let asset: String = row["asset"]
            let balance: Int64 = row["balance"]
            result[asset] = balance
        }
        return result
    }

    /// An account's posted balance (0 for an account never used).
    /// - Throws: `invalid_account`, `unknown_asset`; storage errors.
    public func balance(_ account: AccountID) async throws -> Int64 {
        try check(account)
        return try await store.read { db in try balance(db, account) }
    }

    /// An account's posted balance inside the caller's transaction.
    public func balance(_ db: Database, _ account: AccountID) throws -> Int64 {
        try db.cachedStatement(sql: "SELECT balance FROM ledger_accounts WHERE id = ?")
            .firstRowRaw(.text(account.description)) { rawInt($0, 0) ?? 0 } ?? 0
    }

    /// An account's posted balance right after the history row `seq`, rebuilt from the immutable
    /// history (posted and post rows move money; pending, void and expire rows do not) and the
    /// legs of the gifts before it (`GiftLegs`). It reads every row of the account up to `seq`,
    /// so it answers replays, not every request.
    public func balance(_ db: Database, _ account: AccountID, through seq: Int64) throws -> Int64 {
        let key = account.description
        var total = Int128(try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT COALESCE(SUM(CASE WHEN credit_account = ? THEN amount ELSE -amount END), 0) FROM ledger_transfers
                WHERE (credit_account = ? OR debit_account = ?) AND seq <= ? AND kind IN ('posted', 'post')
                """),
            arguments: [key, key, key, seq]) ?? 0)
        if let gifts = HistoryGifts(account: account),
            let ts = try Int64.fetchOne(db.cachedStatement(sql: "SELECT ts FROM ledger_transfers WHERE seq = ?"), arguments: [seq]) {
            // Gift rows follow ledger time in offset order: stop at the first after the transfer.
            // An account's gifts are one stream (`HistoryGifts(account:)`).
            try SQLiteAccountHistory.forEachOldestFirst(db, gifts.streams[0]) { _, payload in
                let receipt = try GiftReceipt(jsonText: payload)
                guard receipt.ledgerTime < ts else { return false }
                for leg in GiftLegs.of(receipt) {
                    if leg.credit == account { total += Int128(leg.amount) }
                    if leg.debit == account { total -= Int128(leg.amount) }
                }
                return true
            }
        }
        return Int64(total)
    }

    /// Whether a transfer with this idempotency key is in the history.
    public func transferExists(_ db: Database, id: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM ledger_transfers WHERE id = ?)"), arguments: [id]) ?? false
    }

    /// What a debit may take now: the balance minus reservations not yet due on the ledger's clock.
    /// - Throws: `invalid_account`, `unknown_asset`; storage errors.
    public func available(_ account: AccountID) async throws -> Int64 {
        try check(account)
        let nowMillis = clock.nowMillis()
        return try await store.read { db in try available(db, account, now: nowMillis) }
    }

    /// The available balance inside the caller's transaction (see `available(_:)`).
    public func available(_ db: Database, _ account: AccountID, now nowMillis: Int64) throws -> Int64 {
        let key = account.description
        let row = try db.cachedStatement(sql: "SELECT balance, pending_debits FROM ledger_accounts WHERE id = ?")
            .firstRowRaw(.text(key)) { (balance: rawInt($0, 0) ?? 0, pending: rawInt($0, 1) ?? 0) }
        guard let row else { return 0 }
        let pending = row.pending
        guard pending > 0 else { return row.balance }
        let due = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT COALESCE(SUM(amount), 0) FROM ledger_pending_open WHERE debit_account = ? AND expires_at <= ?"),
            arguments: [key, ledgerNow(db, nowMillis: nowMillis)]) ?? 0
        return row.balance - (pending - due)
    }

    /// Checks an account id against the rules and the configured assets.
    func check(_ account: AccountID) throws {
        try account.validateOwner()
        guard configuration.knows(account.asset) else { throw LedgerError.unknownAsset(account.asset) }
    }
}
