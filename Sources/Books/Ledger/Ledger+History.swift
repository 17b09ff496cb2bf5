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
    /// Appends a row to the history, stamped with the next ledger time (`LedgerClock`); history
    /// is never updated or deleted. Returns the row as written.
    func insert(_ rows: any LedgerRows, _ row: NewRow, _ step: Step) throws -> Transfer {
        let ts = try rows.nextLedgerTime(step.nowMillis)
        // Validation bounds the timeout, so this stays far inside Int64.
        let expiresAt = row.timeoutMillis.map { ts + $0 * 1000 }
        var transfer = Transfer(
            seq: 0, id: row.id, debit: row.debit, credit: row.credit, asset: row.asset, amount: row.amount,
            code: row.code, memo: row.memo, ts: ts, kind: row.kind, pendingID: row.pendingID, reverses: row.reverses,
            linkedBatch: step.batch, expiresAt: expiresAt)
        // The history's sequence number is the row's, known once it is written.
        transfer.seq = try rows.insertTransfer(transfer, bodyHash: step.hash)
        return transfer
    }
}
