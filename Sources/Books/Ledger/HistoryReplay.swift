/// The ledger's history folded in `seq` order: balances, reservations, open pendings, and the
/// violations visible from the rows alone.
struct HistoryReplay {
    var balances: [String: Int128] = [:]
    var reserved: [String: Int128] = [:]
    var openPending: [String: Transfer] = [:]
    var report = ReconciliationReport()
    private var moved: [String: Transfer] = [:]
    private var reversed = Set<String>()
    private var closed = Set<String>()
    private var debits: [String: Int128] = [:]
    private var credits: [String: Int128] = [:]
    private var lastTs: Int64?

    /// Folds one row. A gift's legs share their journal row's ledger time: `sameRow` is true for
    /// every leg after the first.
    mutating func read(_ transfer: Transfer, sameRow: Bool = false) {
        report.transfers += 1
        if let lastTs, sameRow ? transfer.ts != lastTs : transfer.ts <= lastTs {
            let position = transfer.journalOffset.map { "gift leg \(transfer.id) at journal offset \($0)" } ?? "transfer \(transfer.seq)"
            report.add("timestamp_order", "\(position) has ts \(transfer.ts), not after \(lastTs)")
        }
        lastTs = transfer.ts
        if transfer.debit.asset != transfer.asset || transfer.credit.asset != transfer.asset {
            report.add("asset_mismatch", "transfer \(transfer.id) moves \(transfer.asset) between \(transfer.debit) and \(transfer.credit)")
        }
        switch transfer.kind {
        case .posted:
            if let original = transfer.reverses { checkReversal(transfer, of: original) }
            apply(transfer)
        case .pending:
            openPending[transfer.id] = transfer
            reserved[transfer.debit.description, default: 0] += Int128(transfer.amount)
        case .post, .void, .expire:
            close(transfer)
        }
    }

    /// Debits equal credits per asset: the totals each side of every moving row.
    var unbalancedAssets: [String] {
        Set(debits.keys).union(credits.keys).filter { debits[$0, default: 0] != credits[$0, default: 0] }.sorted()
    }

    private mutating func apply(_ transfer: Transfer) {
        let amount = Int128(transfer.amount)
        balances[transfer.debit.description, default: 0] -= amount
        balances[transfer.credit.description, default: 0] += amount
        debits[transfer.debit.asset, default: 0] += amount
        credits[transfer.credit.asset, default: 0] += amount
        moved[transfer.id] = transfer
    }

    private mutating func close(_ transfer: Transfer) {
        guard let pendingID = transfer.pendingID, let pending = openPending.removeValue(forKey: pendingID) else {
            let state = closed.contains(transfer.pendingID ?? "") ? "an already closed" : "no open"
            report.add("orphan_close", "\(transfer.kind.rawValue) \(transfer.id) closes \(state) pending \(transfer.pendingID ?? "-")")
            return
        }
        closed.insert(pendingID)
        reserved[pending.debit.description, default: 0] -= Int128(pending.amount)
        let sameAccounts = pending.debit == transfer.debit && pending.credit == transfer.credit
        if !sameAccounts || (transfer.kind == .post ? transfer.amount > pending.amount : transfer.amount != pending.amount) {
            report.add("invalid_close", "\(transfer.kind.rawValue) \(transfer.id) does not match pending \(pendingID)")
        }
        if transfer.kind == .post { apply(transfer) }
    }

    private mutating func checkReversal(_ transfer: Transfer, of originalID: String) {
        guard let original = moved[originalID] else {
            report.add("dangling_reversal", "\(transfer.id) reverses \(originalID), which moved no money before it")
            return
        }
        if !reversed.insert(originalID).inserted {
            report.add("double_reversal", "\(originalID) is reversed more than once")
        }
        if original.debit != transfer.credit || original.credit != transfer.debit || original.amount != transfer.amount {
            report.add("invalid_reversal", "\(transfer.id) does not mirror \(originalID)")
        }
    }
}
