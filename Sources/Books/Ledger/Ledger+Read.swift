extension Ledger {
    /// A user's posted balance of every asset, 0 for assets never used.
    /// - Throws: `invalid_account` for a malformed user id; storage errors.
    public func balances(user: String) async throws -> [String: Int64] {
        try AccountID.user(user, "coins").validateOwner()
        return try await store.ledgerRead(self) { rows in try balances(rows, user: user) }
    }

    /// A user's posted balances inside the caller's transaction (see `balances(user:)`).
    public func balances(_ rows: any LedgerRows, user: String) throws -> [String: Int64] {
        var result = Dictionary(uniqueKeysWithValues: configuration.assets.map { ($0, Int64(0)) })
        for (asset, balance) in try rows.userBalances(user) {
            result[asset] = balance
        }
        return result
    }

    /// An account's posted balance (0 for an account never used).
    /// - Throws: `invalid_account`, `unknown_asset`; storage errors.
    public func balance(_ account: AccountID) async throws -> Int64 {
        try check(account)
        return try await store.ledgerRead(self) { rows in try balance(rows, account) }
    }

    /// An account's posted balance inside the caller's transaction.
    public func balance(_ rows: any LedgerRows, _ account: AccountID) throws -> Int64 {
        try rows.accountTotals(account)?.balance ?? 0
    }

    /// An account's posted balance right after the history row `seq`, rebuilt from the immutable
    /// history (posted and post rows move money; pending, void and expire rows do not) and the
    /// legs of the gifts before it (`GiftLegs`). It reads every row of the account up to `seq`,
    /// so it answers replays, not every request.
    public func balance(_ rows: any LedgerRows, _ account: AccountID, through seq: Int64) throws -> Int64 {
        var total = Int128(try rows.postedNet(account, throughSeq: seq))
        if let gifts = HistoryGifts(account: account), let ts = try rows.transferTime(seq: seq) {
            // Gift rows follow ledger time in offset order: stop at the first after the transfer.
            // An account's gifts are one stream (`HistoryGifts(account:)`).
            try rows.forEachGiftRow(gifts.streams[0]) { _, payload in
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
    public func transferExists(_ rows: any LedgerRows, id: String) throws -> Bool {
        try rows.transferExists(id: id)
    }

    /// What a debit may take now: the balance minus reservations not yet due on the ledger's clock.
    /// - Throws: `invalid_account`, `unknown_asset`; storage errors.
    public func available(_ account: AccountID) async throws -> Int64 {
        try check(account)
        let nowMillis = clock.nowMillis()
        return try await store.ledgerRead(self) { rows in try available(rows, account, now: nowMillis) }
    }

    /// The available balance inside the caller's transaction (see `available(_:)`).
    public func available(_ rows: any LedgerRows, _ account: AccountID, now nowMillis: Int64) throws -> Int64 {
        guard let totals = try rows.accountTotals(account) else { return 0 }
        let pending = totals.pendingDebits
        guard pending > 0 else { return totals.balance }
        let due = try rows.dueAmount(debiting: account, at: rows.ledgerNow(nowMillis))
        return totals.balance - (pending - due)
    }

    /// Checks an account id against the rules and the configured assets.
    func check(_ account: AccountID) throws {
        try account.validateOwner()
        guard configuration.knows(account.asset) else { throw LedgerError.unknownAsset(account.asset) }
    }
}
