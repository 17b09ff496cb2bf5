import GRDB

/// An account row as read inside the write transaction.
struct AccountState {
    let id: AccountID
    var balance: Int64
    var pendingDebits: Int64

    /// Balance minus reservations: what a debit may take.
    var available: Int64 { balance - pendingDebits }
}

extension Ledger {
    /// The account row, created with a zero balance on first use.
    func account(_ db: Database, _ id: AccountID, _ step: Step) throws -> AccountState {
        try db.cachedStatement(
            sql: """
                INSERT INTO ledger_accounts (id, asset, owner_kind, owner, balance, pending_debits, created_at)
                VALUES (?, ?, ?, ?, 0, 0, ?) ON CONFLICT (id) DO NOTHING
                """
        ).execute(arguments: [id.description, id.asset, id.ownerKind, id.ownerName, step.nowMillis])
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT balance, pending_debits FROM ledger_accounts WHERE id = ?"), arguments: [id.description])!
        return AccountState(id: id, balance: row["balance"], pendingDebits: row["pending_debits"])
    }

    /// Moves `amount` between two accounts, checking the debit's available balance (unless it
    /// is a system account) and both balances for overflow, against the rows as they are now.
    /// The debit is checked (and refused) before the credit is touched.
    func move(_ db: Database, _ amount: Int64, from debit: AccountID, to credit: AccountID, _ step: Step) throws {
        precondition(amount > 0 && debit != credit, "move needs a positive amount between two accounts")
        try withdraw(db, amount, from: debit, step)
        try deposit(db, amount, to: credit, step)
    }

    /// Takes `amount` off an account's balance. The common case is one statement: the UPDATE
    /// checks the available balance and the Int64 range in its WHERE, so it changes the row only
    /// when the move is allowed. When it changes nothing (no row yet, or a refusal), the row is
    /// read (created on first use) and checked in Swift, for the exact error.
    private func withdraw(_ db: Database, _ amount: Int64, from id: AccountID, _ step: Step) throws {
        try db.cachedStatement(sql: """
            UPDATE ledger_accounts SET balance = balance - ?1
            WHERE id = ?2 AND balance >= ?3 AND (?4 OR balance - pending_debits >= ?1)
            """
        ).runRaw(.int(amount), .text(id.description), .int(Int64.min + amount), .int(id.mayGoNegative ? 1 : 0))
        if db.changesCount == 1 { return }
        let from = try account(db, id, step)
        if !id.mayGoNegative, from.available < amount {
            throw LedgerError.insufficientFunds(id, available: from.available, amount: amount)
        }
        let (debited, underflow) = from.balance.subtractingReportingOverflow(amount)
        guard !underflow else { throw LedgerError.amountOverflow(id) }
        try save(db, from, balance: debited, pendingDebits: from.pendingDebits)
    }

    /// Adds `amount` to an account's balance: one guarded UPDATE when the row exists and stays
    /// in range, else the row is read (created on first use) and checked, as in `withdraw`.
    private func deposit(_ db: Database, _ amount: Int64, to id: AccountID, _ step: Step) throws {
        try db.cachedStatement(
            sql: "UPDATE ledger_accounts SET balance = balance + ?1 WHERE id = ?2 AND balance <= ?3"
        ).runRaw(.int(amount), .text(id.description), .int(Int64.max - amount))
        if db.changesCount == 1 { return }
        let to = try account(db, id, step)
        let (credited, overflow) = to.balance.addingReportingOverflow(amount)
        guard !overflow else { throw LedgerError.amountOverflow(id) }
        try save(db, to, balance: credited, pendingDebits: to.pendingDebits)
    }

    /// Adds `amount` to the account's reservations, checking its available balance.
    func reserve(_ db: Database, _ amount: Int64, on id: AccountID, _ step: Step) throws {
        let state = try account(db, id, step)
        if !id.mayGoNegative, state.available < amount {
            throw LedgerError.insufficientFunds(id, available: state.available, amount: amount)
        }
        let (reserved, overflow) = state.pendingDebits.addingReportingOverflow(amount)
        guard !overflow else { throw LedgerError.amountOverflow(id) }
        try save(db, state, balance: state.balance, pendingDebits: reserved)
    }

    /// Takes `amount` off the account's reservations (a pending transfer closed).
    func release(_ db: Database, _ amount: Int64, on id: AccountID, _ step: Step) throws {
        let state = try account(db, id, step)
        precondition(state.pendingDebits >= amount, "released more than was reserved on \(id)")
        try save(db, state, balance: state.balance, pendingDebits: state.pendingDebits - amount)
    }

    /// Writes new totals, only over the exact row that was read and checked.
    private func save(_ db: Database, _ old: AccountState, balance: Int64, pendingDebits: Int64) throws {
        try db.cachedStatement(
            sql: """
                UPDATE ledger_accounts SET balance = ?, pending_debits = ?
                WHERE id = ? AND balance = ? AND pending_debits = ?
                """
        ).execute(arguments: [balance, pendingDebits, old.id.description, old.balance, old.pendingDebits])
        precondition(db.changesCount == 1, "account \(old.id) changed between its check and its write")
        precondition(old.id.mayGoNegative || balance - pendingDebits >= 0, "account \(old.id) would go negative")
    }
}
