extension Ledger {
    /// Runs one validated operation of a chain, inside the chain's savepoint.
    func execute(_ rows: any LedgerRows, _ operation: LedgerOperation, _ step: Step) throws -> Transfer {
        switch operation {
        case .transfer(let request):
            try move(rows, request.amount, from: request.debit, to: request.credit, step)
            return try insert(rows, NewRow(request: request, kind: .posted), step)
        case .pending(let request, let timeoutMillis):
            try reserve(rows, request.amount, on: request.debit, step)
            _ = try account(rows, request.credit, step)
            var row = NewRow(request: request, kind: .pending)
            row.timeoutMillis = timeoutMillis
            let transfer = try insert(rows, row, step)
            try rows.openPending(transfer)
            return transfer
        case .post(let id, let pendingID, let amount):
            let pending = try openPending(rows, pendingID, step)
            let posted = amount ?? pending.amount
            guard posted <= pending.amount else {
                throw LedgerError.postExceedsPending(pendingID, pending: pending.amount, amount: posted)
            }
            return try close(rows, pending, id: id, kind: .post, amount: posted, step)
        case .void(let id, let pendingID):
            let pending = try openPending(rows, pendingID, step)
            return try close(rows, pending, id: id, kind: .void, amount: pending.amount, step)
        case .reverse(let id, let transferID, let reason):
            return try reverse(rows, transferID, id: id, reason: reason, step)
        }
    }

    /// Releases a pending transfer's reservation, moves `amount` for a post, and writes the
    /// closing row (`post`, `void` or `expire`).
    func close(_ rows: any LedgerRows, _ pending: Transfer, id: String, kind: Transfer.Kind, amount: Int64, _ step: Step) throws -> Transfer {
        try release(rows, pending.amount, on: pending.debit, step)
        if kind == .post {
            try move(rows, amount, from: pending.debit, to: pending.credit, step)
        }
        try rows.closePending(id: pending.id)
        var row = NewRow(closing: pending, id: id, kind: kind, amount: amount)
        if kind == .expire { row.code = "expire" }
        return try insert(rows, row, step)
    }

    /// The pending transfer `pendingID`, if it is still open and unexpired.
    /// - Throws: `pending_not_found`, `pending_already_closed`, `pending_expired`.
    private func openPending(_ rows: any LedgerRows, _ pendingID: String, _ step: Step) throws -> Transfer {
        guard let pending = try rows.transfer(id: pendingID) else {
            throw LedgerError.pendingNotFound(pendingID)
        }
        guard pending.kind == .pending else { throw LedgerError.pendingNotFound(pendingID) }
        let closedBy = try rows.closing(pendingID: pendingID)?.kind
        if closedBy == .expire { throw LedgerError.pendingExpired(pendingID) }
        if closedBy != nil { throw LedgerError.pendingAlreadyClosed(pendingID) }
        // Lazy expiry ran before the chain, but ledger time moves on while the chain writes.
        guard try rows.ledgerNow(step.nowMillis) < pending.expiresAt! else {
            throw LedgerError.pendingExpired(pendingID)
        }
        return pending
    }

    /// Writes a transfer moving the original's amount back.
    /// - Throws: `transfer_not_found`, `transfer_not_reversible`, `already_reversed`, funds errors.
    private func reverse(_ rows: any LedgerRows, _ transferID: String, id: String, reason: String, _ step: Step) throws -> Transfer {
        guard let original = try movedTransfer(rows, id: transferID) else { throw LedgerError.transferNotFound(transferID) }
        guard original.kind == .posted || original.kind == .post else { throw LedgerError.transferNotReversible(transferID) }
        guard try !rows.isReversed(transferID) else { throw LedgerError.alreadyReversed(transferID) }
        try move(rows, original.amount, from: original.credit, to: original.debit, step)
        var reversal = NewRow(closing: original, id: id, kind: .posted, amount: original.amount)
        reversal.debit = original.credit
        reversal.credit = original.debit
        reversal.pendingID = nil
        reversal.code = LedgerOperation.reversalCode
        reversal.memo = reason
        reversal.reverses = transferID
        return try insert(rows, reversal, step)
    }

    /// A transfer row, or a gift's leg (which lives in the gift's journal row, `GiftLegs`).
    package func movedTransfer(_ rows: any LedgerRows, id: String) throws -> Transfer? {
        if let transfer = try rows.transfer(id: id) { return transfer }
        // A leg's id is its gift's journal key and the leg's name: `gift:<sender>:<key>:<leg>`.
        guard id.hasPrefix("gift:"), let colon = id.lastIndex(of: ":") else { return nil }
        let factKey = String(id[..<colon])
        guard let fact = try rows.giftFact(key: factKey) else { return nil }
        return GiftLegs.transfers(of: try GiftReceipt(jsonText: fact.payload), offset: fact.offset).first { $0.id == id }
    }
}
