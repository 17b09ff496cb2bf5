import GRDB

/// The columns of a transfer row before the ledger stamps it with `seq` and `ts`.
struct NewRow {
    var id: String
    var debit: AccountID
    var credit: AccountID
    var asset: String
    var amount: Int64
    var code: String
    var memo: String
    var kind: Transfer.Kind
    var pendingID: String?
    var reverses: String?
    /// For a pending row: how long until it expires.
    var timeoutMillis: Int64?

    init(request: TransferRequest, kind: Transfer.Kind) {
        id = request.id
        debit = request.debit
        credit = request.credit
        asset = request.asset
        amount = request.amount
        code = request.code
        memo = request.memo
        self.kind = kind
    }

    /// A row about `pending` (a post, void or expire), or copying a transfer's accounts.
    init(closing pending: Transfer, id: String, kind: Transfer.Kind, amount: Int64) {
        self.id = id
        debit = pending.debit
        credit = pending.credit
        asset = pending.asset
        self.amount = amount
        code = pending.code
        memo = pending.memo
        self.kind = kind
        pendingID = pending.id
    }
}

extension Ledger {
    /// The ledger time the next row would get: the larger of the wall time in microseconds and
    /// the last row's time plus one (`LedgerClock`).
    func ledgerNow(_ db: Database, nowMillis: Int64) throws -> Int64 {
        try store.ledgerClock.peek(db, nowMillis: nowMillis)
    }

    /// Appends a row to the history; history is never updated or deleted.
    func insert(_ db: Database, _ row: NewRow, _ step: Step) throws -> Transfer {
        let ts = try store.ledgerClock.next(db, nowMillis: step.nowMillis)
        // Validation bounds the timeout, so this stays far inside Int64.
        let expiresAt = row.timeoutMillis.map { ts + $0 * 1000 }
        // A plain INSERT: the row is built from what was written (decoding it back through
        // `RETURNING *` and named-column lookups cost more than the insert itself).
        try db.cachedStatement(sql: """
            INSERT INTO ledger_transfers (id, debit_account, credit_account, asset, amount, code, memo, ts, kind,
                pending_id, reverses, linked_batch, body_hash, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).runRaw(
            .text(row.id), .text(row.debit.description), .text(row.credit.description), .text(row.asset), .int(row.amount),
            .text(row.code), .text(row.memo), .int(ts), .text(row.kind.rawValue), .text(row.pendingID), .text(row.reverses),
            .text(step.batch), .text(step.hash), .int(expiresAt))
        return Transfer(
            seq: db.lastInsertedRowID, id: row.id, debit: row.debit, credit: row.credit, asset: row.asset, amount: row.amount,
            code: row.code, memo: row.memo, ts: ts, kind: row.kind, pendingID: row.pendingID, reverses: row.reverses,
            linkedBatch: step.batch, expiresAt: expiresAt)
    }
}
