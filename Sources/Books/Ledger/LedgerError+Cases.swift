extension LedgerError {
    /// The debit account's available balance (balance minus pending debits) is below the amount.
    public static func insufficientFunds(_ account: AccountID, available: Int64, amount: Int64) -> LedgerError {
        LedgerError(.insufficientFunds, "account \(account) has \(available) available, \(amount) needed")
    }

    /// The idempotency key was used before with another body.
    public static func idempotencyConflict(_ id: String) -> LedgerError {
        LedgerError(.idempotencyConflict, "idempotency key '\(id.prefix(128))' was used with another body")
    }

    /// A balance or pending total would leave the `Int64` range.
    public static func amountOverflow(_ account: AccountID) -> LedgerError {
        LedgerError(.amountOverflow, "account \(account) would overflow")
    }

    /// The amount is zero or negative.
    public static func invalidAmount(_ amount: Int64) -> LedgerError {
        LedgerError(.invalidAmount, "amount must be greater than 0, got \(amount)")
    }

    /// The asset is not built in and not declared in the configuration.
    public static func unknownAsset(_ asset: String) -> LedgerError {
        LedgerError(.unknownAsset, "unknown asset '\(asset.prefix(64))'")
    }

    /// The pending transfer does not exist (or the id names a transfer that is not pending).
    public static func pendingNotFound(_ id: String) -> LedgerError {
        LedgerError(.pendingNotFound, "no pending transfer '\(id.prefix(128))'")
    }

    /// The pending transfer was already posted or voided.
    public static func pendingAlreadyClosed(_ id: String) -> LedgerError {
        LedgerError(.pendingAlreadyClosed, "pending transfer '\(id.prefix(128))' is already closed")
    }

    /// The pending transfer expired on the ledger's clock.
    public static func pendingExpired(_ id: String) -> LedgerError {
        LedgerError(.pendingExpired, "pending transfer '\(id.prefix(128))' has expired")
    }

    /// The post amount is above the pending amount.
    public static func postExceedsPending(_ id: String, pending: Int64, amount: Int64) -> LedgerError {
        LedgerError(.postExceedsPending, "cannot post \(amount) of pending transfer '\(id.prefix(128))' holding \(pending)")
    }

    /// The transfer was reversed before.
    public static func alreadyReversed(_ id: String) -> LedgerError {
        LedgerError(.alreadyReversed, "transfer '\(id.prefix(128))' is already reversed")
    }

    /// No transfer has this id.
    public static func transferNotFound(_ id: String) -> LedgerError {
        LedgerError(.transferNotFound, "no transfer '\(id.prefix(128))'")
    }

    /// The transfer moved no money (pending, void, expire), so there is nothing to reverse.
    public static func transferNotReversible(_ id: String) -> LedgerError {
        LedgerError(.transferNotReversible, "transfer '\(id.prefix(128))' moved no money and cannot be reversed")
    }

    /// A page limit outside 1...max.
    public static func invalidLimit(_ limit: Int, max: Int) -> LedgerError {
        LedgerError(.invalidLimit, "limit must be between 1 and \(max), got \(limit)")
    }

    /// A cursor this ledger did not hand out.
    public static var invalidCursor: LedgerError {
        LedgerError(.invalidCursor, "cursor is not one this ledger returned")
    }
}
