import Books
import Engine
import GRDB

/// The balances gift sends touch, held in memory by the one writer and written once each per
/// group commit when it flushes: a hot streamer's revenue or a system account takes one
/// `UPDATE` per commit, not one per gift. It is kept from one commit to the next
/// (`KeptOverlay`): a viewer who sends again is not read again. Any other statement that
/// changes an account row makes it forget that row (the store's trigger), a failed transaction
/// or another connection's commit makes it forget everything, and past `keptMax` accounts it
/// starts over.
///
/// Operations that use it check every leg against it before they change anything, so a refusal
/// leaves it untouched; `apply` then applies what `check` found.
final class AccountOverlay: KeptOverlay {
    /// Accounts kept by default before the overlay starts over (after a flush).
    static let keptMaxDefault = 100_000
    /// Accounts kept before the overlay starts over (after a flush).
    let keptMax: Int

    static var table: (name: String, key: String) { ("ledger_accounts", "id") }
    /// The flush sets only `balance`, by number: a trigger a row costs about a third of such an
    /// `UPDATE` (0.37 µs against 0.95, in C), about a tenth of the writer's time a gift send
    /// (`benchmarks/LOG.md`, "2026-12-06T03:33Z"). The
    /// ledger's own statements that change a balance set `pending_debits` too.
    static var unwatchedColumns: Set<String> { ["balance"] }

    struct Entry {
        var balance: Int64
        var pendingDebits: Int64
        /// The row's number (`ledger_accounts.num`), by which the flush updates it; nil while
        /// it has no row (it is inserted on flush, or when its number is first asked for).
        var number: AccountNumber?
        var stored: Bool { number != nil }
        var changed = false
        /// When a row that is not stored was first changed: its `created_at`.
        var createdAt: Int64 = 0

        var available: Int64 { balance - pendingDebits }
    }

    /// Each account read in this batch, by its position in `ids` and `slots`: a send hashes each
    /// account it touches once, and its checked moves reach the entries by position.
    private var index: [AccountID: Int] = [:]
    private var ids: [AccountID] = []
    private var slots: [Entry] = []
    /// Positions in the order first changed, so flushes write in a stable order.
    private var changedOrder: [Int] = []

    init(keptMax: Int = AccountOverlay.keptMaxDefault) {
        precondition(keptMax > 0, "an overlay keeps at least one account")
        self.keptMax = keptMax
    }

    /// Accounts held now (read or written since the overlay last started over).
    var keptCount: Int { index.count }

    /// The account as this batch sees it (a zero balance when it has no row).
    func entry(_ db: Database, _ id: AccountID) throws -> Entry {
        slots[try slot(db, id)]
    }

    /// The account's position, read from the database the first time this batch asks.
    private func slot(_ db: Database, _ id: AccountID) throws -> Int {
        if let known = index[id] { return known }
        let row = try db.cachedStatement(sql: "SELECT num, balance, pending_debits FROM ledger_accounts WHERE id = ?")
            .firstRowRaw(.text(id.description)) { (number: rawInt($0, 0) ?? 0, balance: rawInt($0, 1) ?? 0, pending: rawInt($0, 2) ?? 0) }
        slots.append(Entry(balance: row?.balance ?? 0, pendingDebits: row?.pending ?? 0, number: row?.number))
        ids.append(id)
        index[id] = slots.count - 1
        return slots.count - 1
    }

    /// The account's number. An account without a row gets one now, created `now` with a zero
    /// balance; the flush writes its balance as it writes any other. Run it as the overlay's own
    /// write (`WriteBatch.keptOwnWrite`): the row is what the overlay holds.
    /// - Parameter known: the account's position, when the caller has it from `check`'s moves
    ///   (no hashing of the id).
    func number(_ db: Database, _ id: AccountID, slot known: Int? = nil, at now: Int64) throws -> AccountNumber {
        let slot = try known ?? slot(db, id)
        precondition(ids[slot] == id, "account \(id) is not at the position given")
        if let number = slots[slot].number { return number }
        // Changed earlier in this batch: created when it was first changed.
        let createdAt = slots[slot].changed ? slots[slot].createdAt : now
        try insert(db, id, balance: 0, createdAt: createdAt)
        slots[slot].number = db.lastInsertedRowID
        slots[slot].createdAt = createdAt
        return db.lastInsertedRowID
    }

    private func insert(_ db: Database, _ id: AccountID, balance: Int64, createdAt: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO ledger_accounts (id, asset, owner_kind, owner, balance, pending_debits, created_at)
            VALUES (?, ?, ?, ?, ?, 0, ?)
            """
        ).runRaw(.text(id.description), .text(id.asset), .text(id.ownerKind), .text(id.ownerName), .int(balance), .int(createdAt))
    }

    /// The balances some legs leave, checked (`check`), for `apply`.
    typealias Moves = AccountMoves

    /// Checks that every leg may move: each debit within its available balance (system accounts
    /// may go negative) and no balance past the Int64 range, taking earlier legs into account.
    /// - Returns: the new balance of every account the legs touch.
    /// - Throws: `insufficient_funds`, `amount_overflow`; database errors (loading a row).
    func check(_ db: Database, _ legs: [TransferRequest]) throws -> Moves {
        var moves = Moves(capacity: legs.count * 2)
        // A gift touches a handful of accounts: found again by their overlay place, an integer.
        func position(_ id: AccountID) throws -> Int {
            let slot = try slot(db, id)
            if let found = moves.position(ofSlot: slot) { return found }
            return moves.add(slot: slot, id: id, balance: slots[slot].balance)
        }
        for i in legs.indices {
            let amount = legs[i].amount
            let debit = try position(legs[i].debit)
            let debitBalance = moves.balances[debit]
            let pendingDebits = slots[moves.slots[debit]].pendingDebits
            let (debited, underflow) = debitBalance.subtractingReportingOverflow(amount)
            if !legs[i].debit.mayGoNegative, debitBalance - pendingDebits < amount {
                throw LedgerError.insufficientFunds(legs[i].debit, available: debitBalance - pendingDebits, amount: amount)
            }
            guard !underflow else { throw LedgerError.amountOverflow(legs[i].debit) }
            moves.balances[debit] = debited
            let credit = try position(legs[i].credit)
            let (credited, overflow) = moves.balances[credit].addingReportingOverflow(amount)
            guard !overflow else { throw LedgerError.amountOverflow(legs[i].credit) }
            moves.balances[credit] = credited
        }
        return moves
    }

    /// Applies balances that `check` returned; an account without a row gets one created `now`.
    func apply(_ moves: Moves, at now: Int64) {
        for (slot, balance) in zip(moves.slots, moves.balances) {
            if !slots[slot].changed {
                changedOrder.append(slot)
                slots[slot].changed = true
                if !slots[slot].stored { slots[slot].createdAt = now }
            }
            slots[slot].balance = balance
        }
    }

    func rowChanged(_ key: String) {
        guard let id = try? AccountID(parsing: key) else {
            // Not a key the overlay could hold; forget everything rather than guess.
            reset()
            return
        }
        guard let slot = index.removeValue(forKey: id) else { return }
        precondition(!slots[slot].changed, "account \(id) changed while the overlay held unwritten changes")
    }

    /// Forgets everything, unwritten changes too (their transaction failed).
    func reset() {
        changedOrder.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
    }

    /// Writes every changed account and keeps them all, written (past `keptMax` accounts, it
    /// forgets everything instead).
    func flush(_ db: Database) throws {
        if !changedOrder.isEmpty {
            // Found once a flush, not once an account: the statement cache hashes the SQL's text.
            let update = try db.cachedStatement(sql: "UPDATE ledger_accounts SET balance = ? WHERE num = ?")
            for slot in changedOrder {
                let (id, entry) = (ids[slot], slots[slot])
                precondition(id.mayGoNegative || entry.available >= 0, "account \(id) would go negative")
                if let number = entry.number {
                    // By number (the rowid): no search of the text key's index. A row gone from
                    // its number (a change the overlay was never told of) fails the batch, and
                    // the reset that follows reads every row again.
                    try update.runRaw(.int(entry.balance), .int(number))
                    guard update.changesRaw == 1 else {
                        throw StorageError.commitFailed(reason: "account \(id) is no longer number \(number)")
                    }
                } else {
                    try insert(db, id, balance: entry.balance, createdAt: entry.createdAt)
                    slots[slot].number = db.lastInsertedRowID
                }
                slots[slot].changed = false
            }
        }
        changedOrder.removeAll(keepingCapacity: true)
        if slots.count > keptMax { reset() }
    }
}
