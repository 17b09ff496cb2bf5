import GRDB

extension Ledger {
    /// Runs one validated operation of a chain, inside the chain's savepoint.
    func execute(_ db: Database, _ operation: LedgerOperation, _ step: Step) throws -> Transfer {
        switch operation {
        case .transfer(let request):
            try move(db, request.amount, from: request.debit, to: request.credit, step)
            return try insert(db, NewRow(request: request, kind: .posted), step)
        case .pending(let request, let timeoutMillis):
            try reserve(db, request.amount, on: request.debit, step)
            _ = try account(db, request.credit, step)
            var row = NewRow(request: request, kind: .pending)
            row.timeoutMillis = timeoutMillis
            let transfer = try insert(db, row, step)
            try db.cachedStatement(
                sql: "INSERT INTO ledger_pending_open (id, debit_account, amount, expires_at) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [transfer.id, transfer.debit.description, transfer.amount, transfer.expiresAt])
            return transfer
        case .post(let id, let pendingID, let amount):
            let pending = try openPending(db, pendingID, step)
            let posted = amount ?? pending.amount
            guard posted <= pending.amount else {
                throw LedgerError.postExceedsPending(pendingID, pending: pending.amount, amount: posted)
            }
            return try close(db, pending, id: id, kind: .post, amount: posted, step)
        case .void(let id, let pendingID):
            let pending = try openPending(db, pendingID, step)
            return try close(db, pending, id: id, kind: .void, amount: pending.amount, step)
        case .reverse(let id, let transferID, let reason):
            return try reverse(db, transferID, id: id, reason: reason, step)
        }
    }

    /// Releases a pending transfer's reservation, moves `amount` for a post, and writes the
    /// closing row (`post`, `void` or `expire`).
    func close(_ db: Database, _ pending: Transfer, id: String, kind: Transfer.Kind, amount: Int64, _ step: Step) throws -> Transfer {
        try release(db, pending.amount, on: pending.debit, step)
        if kind == .post {
            try move(db, amount, from: pending.debit, to: pending.credit, step)
        }
        try db.cachedStatement(sql: "DELETE FROM ledger_pending_open WHERE id = ?").execute(arguments: [pending.id])
        var row = NewRow(closing: pending, id: id, kind: kind, amount: amount)
        if kind == .expire { row.code = "expire" }
        return try insert(db, row, step)
    }

    /// The pending transfer `pendingID`, if it is still open and unexpired.
    /// - Throws: `pending_not_found`, `pending_already_closed`, `pending_expired`.
    private func openPending(_ db: Database, _ pendingID: String, _ step: Step) throws -> Transfer {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM ledger_transfers WHERE id = ?"), arguments: [pendingID]) else {
            throw LedgerError.pendingNotFound(pendingID)
        }
        let pending = Transfer(row: row)
        guard pending.kind == .pending else { throw LedgerError.pendingNotFound(pendingID) }
        let closedBy = try String.fetchOne(
            db.cachedStatement(sql: "SELECT kind FROM ledger_transfers WHERE pending_id = ?"), arguments: [pendingID])
        if closedBy == Transfer.Kind.expire.rawValue { throw LedgerError.pendingExpired(pendingID) }
        if closedBy != nil { throw LedgerError.pendingAlreadyClosed(pendingID) }
        // Lazy expiry ran before the chain, but ledger time moves on while the chain writes.
        guard try ledgerNow(db, nowMillis: step.nowMillis) < pending.expiresAt! else {
            throw LedgerError.pendingExpired(pendingID)
        }
        return pending
    }

    /// Writes a transfer moving the original's amount back.
    /// - Throws: `transfer_not_found`, `transfer_not_reversible`, `already_reversed`, funds errors.
    private func reverse(_ db: Database, _ transferID: String, id: String, reason: String, _ step: Step) throws -> Transfer {
        guard let original = try movedTransfer(db, id: transferID) else { throw LedgerError.transferNotFound(transferID) }
        guard original.kind == .posted || original.kind == .post else { throw LedgerError.transferNotReversible(transferID) }
        let reversed = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM ledger_transfers WHERE reverses = ?)"), arguments: [transferID])
        guard reversed != true else { throw LedgerError.alreadyReversed(transferID) }
        try move(db, original.amount, from: original.credit, to: original.debit, step)
        var reversal = NewRow(closing: original, id: id, kind: .posted, amount: original.amount)
        reversal.debit = original.credit
        reversal.credit = original.debit
        reversal.pendingID = nil
        reversal.code = LedgerOperation.reversalCode
        reversal.memo = reason
        reversal.reverses = transferID
        return try insert(db, reversal, step)
    }

    /// A transfer row, or a gift's leg (which lives in the gift's journal row, `GiftLegs`).
    func movedTransfer(_ db: Database, id: String) throws -> Transfer? {
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM ledger_transfers WHERE id = ?"), arguments: [id]) {
            return Transfer(row: row)
        }
        // A leg's id is its gift's journal key and the leg's name: `gift:<sender>:<key>:<leg>`.
        guard id.hasPrefix("gift:"), let colon = id.lastIndex(of: ":") else { return nil }
        let factKey = String(id[..<colon])
        guard let fact = try db.cachedStatement(sql: "SELECT offset, payload FROM journal WHERE idempotency_key = ? AND payer IS NOT NULL")
            .firstRowRaw(.text(factKey), read: { (offset: rawInt($0, 0) ?? 0, payload: rawText($0, 1)) })
        else { return nil }
        return GiftLegs.transfers(of: try GiftReceipt(jsonText: fact.payload), offset: fact.offset).first { $0.id == id }
    }
}
