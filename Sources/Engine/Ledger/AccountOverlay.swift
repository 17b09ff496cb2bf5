import GRDB

/// The balances a group-commit batch of gifts touches, held in memory for the batch and written
/// once each when it flushes (`BatchOverlay`): a hot streamer's revenue or a system account
/// takes one `UPDATE` per commit, not one per gift.
///
/// Operations that use it check every leg against it before they change anything, so a refusal
/// leaves it untouched; `move` then applies a checked set of legs.
final class AccountOverlay: BatchOverlay {
    struct Entry {
        var balance: Int64
        var pendingDebits: Int64
        /// Whether the row exists in the database (else it is inserted on flush).
        let stored: Bool
        var changed = false

        var available: Int64 { balance - pendingDebits }
    }

    private var entries: [AccountID: Entry] = [:]
    /// Accounts in the order first changed, so flushes write in a stable order.
    private var changedOrder: [AccountID] = []
    private let createdAt: Int64

    init(createdAt: Int64) {
        self.createdAt = createdAt
    }

    /// The account as this batch sees it (a zero balance when it has no row).
    func entry(_ db: Database, _ id: AccountID) throws -> Entry {
        if let known = entries[id] { return known }
        let row = try db.cachedStatement(sql: "SELECT balance, pending_debits FROM ledger_accounts WHERE id = ?")
            .firstRowRaw(.text(id.description)) { (balance: rawInt($0, 0) ?? 0, pending: rawInt($0, 1) ?? 0) }
        let entry = Entry(balance: row?.balance ?? 0, pendingDebits: row?.pending ?? 0, stored: row != nil)
        entries[id] = entry
        return entry
    }

    /// Checks that every leg may move: each debit within its available balance (system accounts
    /// may go negative) and no balance past the Int64 range, taking earlier legs into account.
    /// - Returns: the new balance of every account the legs touch.
    /// - Throws: `insufficient_funds`, `amount_overflow`; database errors (loading a row).
    func check(_ db: Database, _ legs: [TransferRequest]) throws -> [AccountID: Int64] {
        var after: [AccountID: Int64] = [:]
        for leg in legs {
            let debit = try entry(db, leg.debit)
            let debitBalance = after[leg.debit] ?? debit.balance
            let (debited, underflow) = debitBalance.subtractingReportingOverflow(leg.amount)
            if !leg.debit.mayGoNegative, debitBalance - debit.pendingDebits < leg.amount {
                throw LedgerError.insufficientFunds(leg.debit, available: debitBalance - debit.pendingDebits, amount: leg.amount)
            }
            guard !underflow else { throw LedgerError.amountOverflow(leg.debit) }
            after[leg.debit] = debited
            let credit = try entry(db, leg.credit)
            let (credited, overflow) = (after[leg.credit] ?? credit.balance).addingReportingOverflow(leg.amount)
            guard !overflow else { throw LedgerError.amountOverflow(leg.credit) }
            after[leg.credit] = credited
        }
        return after
    }

    /// Applies balances that `check` returned.
    func apply(_ balances: [AccountID: Int64]) {
        for (id, balance) in balances {
            guard var entry = entries[id] else { preconditionFailure("apply without check for \(id)") }
            if !entry.changed { changedOrder.append(id) }
            entry.balance = balance
            entry.changed = true
            entries[id] = entry
        }
    }

    /// Forgets one account (after something outside the overlay changed its row).
    func forget(_ id: AccountID) {
        precondition(entries[id]?.changed != true, "forgetting an account with unwritten changes")
        entries[id] = nil
    }

    func flush(_ db: Database) throws {
        for id in changedOrder {
            guard let entry = entries[id] else { continue }
            precondition(id.mayGoNegative || entry.available >= 0, "account \(id) would go negative")
            if entry.stored {
                try db.cachedStatement(sql: "UPDATE ledger_accounts SET balance = ? WHERE id = ?")
                    .runRaw(.int(entry.balance), .text(id.description))
            } else {
                try db.cachedStatement(sql: """
                    INSERT INTO ledger_accounts (id, asset, owner_kind, owner, balance, pending_debits, created_at)
                    VALUES (?, ?, ?, ?, ?, 0, ?)
                    """
                ).runRaw(.text(id.description), .text(id.asset), .text(id.ownerKind), .text(id.ownerName), .int(entry.balance), .int(createdAt))
            }
        }
        entries.removeAll(keepingCapacity: true)
        changedOrder.removeAll(keepingCapacity: true)
    }
}
