/// An account row as read inside the write transaction.
public struct AccountState: Sendable {
    public let id: AccountID
    public var balance: Int64
    public var pendingDebits: Int64

    public init(id: AccountID, balance: Int64, pendingDebits: Int64) {
        self.id = id
        self.balance = balance
        self.pendingDebits = pendingDebits
    }

    /// Balance minus reservations: what a debit may take.
    public var available: Int64 { balance - pendingDebits }
}

extension Ledger {
    /// The account row, created with a zero balance on first use.
    func account(_ rows: any LedgerRows, _ id: AccountID, _ step: Step) throws -> AccountState {
        try rows.account(id, createdAt: step.nowMillis)
    }

    /// Moves `amount` between two accounts, checking the debit's available balance (unless it
    /// is a system account) and both balances for overflow, against the rows as they are now.
    /// The debit is checked (and refused) before the credit is touched.
    func move(_ rows: any LedgerRows, _ amount: Int64, from debit: AccountID, to credit: AccountID, _ step: Step) throws {
        precondition(amount > 0 && debit != credit, "move needs a positive amount between two accounts")
        try withdraw(rows, amount, from: debit, step)
        try deposit(rows, amount, to: credit, step)
    }

    /// Takes `amount` off an account's balance. The common case is one statement: the guarded
    /// write checks the available balance and the Int64 range itself, so it changes the row only
    /// when the move is allowed. When it changes nothing (no row yet, or a refusal), the row is
    /// read (created on first use) and checked here, for the exact error.
    private func withdraw(_ rows: any LedgerRows, _ amount: Int64, from id: AccountID, _ step: Step) throws {
        if try rows.withdraw(amount, from: id, mayGoNegative: id.mayGoNegative) { return }
        let from = try account(rows, id, step)
        if !id.mayGoNegative, from.available < amount {
            throw LedgerError.insufficientFunds(id, available: from.available, amount: amount)
        }
        let (debited, underflow) = from.balance.subtractingReportingOverflow(amount)
        guard !underflow else { throw LedgerError.amountOverflow(id) }
        try save(rows, from, balance: debited, pendingDebits: from.pendingDebits)
    }

    /// Adds `amount` to an account's balance: one guarded write, which also creates a missing
    /// row (a reward's first credit to a viewer); only when the sum would leave the range is
    /// the row read and checked, for the exact error.
    private func deposit(_ rows: any LedgerRows, _ amount: Int64, to id: AccountID, _ step: Step) throws {
        if try rows.deposit(amount, to: id, createdAt: step.nowMillis) { return }
        let to = try account(rows, id, step)
        let (credited, overflow) = to.balance.addingReportingOverflow(amount)
        guard !overflow else { throw LedgerError.amountOverflow(id) }
        try save(rows, to, balance: credited, pendingDebits: to.pendingDebits)
    }

    /// Adds `amount` to the account's reservations, checking its available balance.
    func reserve(_ rows: any LedgerRows, _ amount: Int64, on id: AccountID, _ step: Step) throws {
        let state = try account(rows, id, step)
        if !id.mayGoNegative, state.available < amount {
            throw LedgerError.insufficientFunds(id, available: state.available, amount: amount)
        }
        let (reserved, overflow) = state.pendingDebits.addingReportingOverflow(amount)
        guard !overflow else { throw LedgerError.amountOverflow(id) }
        try save(rows, state, balance: state.balance, pendingDebits: reserved)
    }

    /// Takes `amount` off the account's reservations (a pending transfer closed).
    func release(_ rows: any LedgerRows, _ amount: Int64, on id: AccountID, _ step: Step) throws {
        let state = try account(rows, id, step)
        precondition(state.pendingDebits >= amount, "released more than was reserved on \(id)")
        try save(rows, state, balance: state.balance, pendingDebits: state.pendingDebits - amount)
    }

    /// Writes new totals, only over the exact row that was read and checked.
    private func save(_ rows: any LedgerRows, _ old: AccountState, balance: Int64, pendingDebits: Int64) throws {
        let saved = try rows.saveAccount(old, balance: balance, pendingDebits: pendingDebits)
        precondition(saved, "account \(old.id) changed between its check and its write")
        precondition(old.id.mayGoNegative || balance - pendingDebits >= 0, "account \(old.id) would go negative")
    }
}
