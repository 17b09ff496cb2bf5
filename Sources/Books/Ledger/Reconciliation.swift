/// Checks every ledger invariant against the stored history; backs `showrunner reconcile`.
///
/// It replays the whole history in `seq` order, with 128-bit sums so no intermediate total can
/// overflow, and compares the result with the stored accounts and open reservations:
/// - per asset, debits equal credits, and the stored balances sum to zero;
/// - no user or guild account is negative, nor has more reserved than it holds;
/// - every stored balance equals its transfers' credits minus debits, and every stored
///   reservation total equals its open pending transfers;
/// - every reversal points to an earlier transfer that moved money, mirrors it, and is the only one;
/// - every post, void and expire closes one open pending transfer (a post at most its amount);
/// - ledger time strictly increases with `seq`.
public struct Reconciliation: Sendable {
    /// Creates a checker.
    public init() {}

    /// Runs every check inside the caller's (read) transaction.
    /// - Returns: the report; `isClean` when every invariant holds.
    /// - Throws: database errors.
    public func check(_ rows: any LedgerRows) throws -> ReconciliationReport {
        var replay = HistoryReplay()
        // Two histories in ledger-time order: transfer rows by `seq`, gift rows (whose legs
        // live in the journal, `GiftLegs`) by offset. One clock stamps both.
        let transfers = try rows.transfersInOrder()
        let gifts = try rows.giftRowsInOrder()
        var nextTransfer = try transfers.next()
        var nextGift = try gifts.next().map(Self.legs(of:))
        while nextTransfer != nil || nextGift != nil {
            if let gift = nextGift, nextTransfer.map({ $0.ts > gift.ts }) ?? true {
                for (i, leg) in gift.legs.enumerated() { replay.read(leg, sameRow: i > 0) }
                nextGift = try gifts.next().map(Self.legs(of:))
            } else if let transfer = nextTransfer {
                replay.read(transfer)
                nextTransfer = try transfers.next()
            }
        }
        var report = replay.report
        for asset in replay.unbalancedAssets {
            report.add("unbalanced_asset", "debits of \(asset) do not equal its credits")
        }
        try compareAccounts(rows, replay, &report)
        try compareOpenPending(rows, replay, &report)
        return report
    }

    /// A gift row's ledger time and legs. A payload that is not a receipt yields no legs, and is
    /// `GiftReconciliation`'s to report.
    private static func legs(of row: (offset: Int64, payload: String)) -> (ts: Int64, legs: [Transfer]) {
        guard let receipt = try? GiftReceipt(jsonText: row.payload) else { return (Int64.min, []) }
        return (receipt.ledgerTime, GiftLegs.transfers(of: receipt, offset: row.offset))
    }

    /// Stored accounts against the replayed balances and reservations.
    private func compareAccounts(_ rows: any LedgerRows, _ replay: HistoryReplay, _ report: inout ReconciliationReport) throws {
        var sums: [String: Int128] = [:]
        var seen = Set<String>()
        for account in try rows.allAccounts() {
            let (id, asset, balance, reserved) = (account.id, account.asset, account.balance, account.pendingDebits)
            seen.insert(id)
            sums[asset, default: 0] += Int128(balance)
            report.accounts += 1
            if replay.balances[id, default: 0] != Int128(balance) {
                report.add("balance_mismatch", "\(id) stores \(balance), its transfers give \(replay.balances[id, default: 0])")
            }
            if replay.reserved[id, default: 0] != Int128(reserved) {
                report.add("pending_mismatch", "\(id) reserves \(reserved), its open pendings hold \(replay.reserved[id, default: 0])")
            }
            if !account.system, balance < 0 || Int128(balance) - Int128(reserved) < 0 {
                report.add("negative_balance", "\(id) has balance \(balance) with \(reserved) reserved")
            }
        }
        for id in Set(replay.balances.keys).union(replay.reserved.keys).subtracting(seen).sorted() {
            report.add("missing_account", "\(id) appears in transfers but has no account row")
        }
        for (asset, sum) in sums.sorted(by: { $0.key < $1.key }) where sum != 0 {
            report.add("unbalanced_asset", "balances of \(asset) sum to \(sum), not 0")
        }
    }

    /// The open-pending table against the pending transfers the history leaves open.
    private func compareOpenPending(_ rows: any LedgerRows, _ replay: HistoryReplay, _ report: inout ReconciliationReport) throws {
        var stored: [String: Int64] = [:]
        for (id, amount) in try rows.allOpenPending() {
            stored[id] = amount
        }
        let open = replay.openPending.mapValues(\.amount)
        for id in Set(stored.keys).union(open.keys).sorted() where stored[id] != open[id] {
            let table = stored[id].map { "\($0)" } ?? "nothing"
            let history = open[id].map { "\($0)" } ?? "nothing"
            report.add("open_pending_mismatch", "pending \(id): the table holds \(table), the history \(history)")
        }
    }
}
