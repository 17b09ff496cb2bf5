import Foundation

/// Cross-checks between gifts and the ledger: every `gift` fact carries its legs (the fact names
/// its payer and payee as its receipt does, its transfer ids are its legs' ids, and the split adds
/// up), or, for gifts sent before the legs moved into the journal, has its transfers; and every
/// gift transfer belongs to a `gift` fact.
public enum GiftReconciliation {
    /// Ledger codes written only by gift sends.
    static let giftCodes = ["gift", "gift_fee", "gift_revenue", "gift_guild"]

    /// Violations, as readable lines; empty when consistent.
    public static func check(_ rows: any LedgerRows) throws -> [String] {
        var problems: [String] = []
        var claimed = Set<String>()
        let existing = try rows.transferIDs(codes: giftCodes)
        for row in try rows.giftFacts() {
            let offset = row.offset
            let receipt: GiftReceipt
            do {
                receipt = try GiftReceipt(jsonText: row.payload)
            } catch {
                problems.append("gift at offset \(offset) is not a receipt: \(error)")
                continue
            }
            if let payer = row.payer {
                let payee = row.payee
                if payer != GiftLegs.payer(receipt) || payee != GiftLegs.payee(receipt) {
                    problems.append("gift at offset \(offset) names payer \(payer) and payee \(payee ?? "none"), its receipt another")
                }
                if receipt.transferIDs != GiftLegs.of(receipt).map(\.id) {
                    problems.append("gift at offset \(offset) lists transfer ids \(receipt.transferIDs), not its legs")
                }
                let (paid, overflow) = receipt.streamerRevenue.addingReportingOverflow(receipt.guildShare)
                let (total, overflow2) = paid.addingReportingOverflow(receipt.platformFee)
                let (priced, overflow3) = receipt.priceCoins.multipliedReportingOverflow(by: receipt.count)
                if overflow || overflow2 || overflow3 || total != receipt.totalCoins || priced != receipt.totalCoins
                    || min(receipt.streamerRevenue, receipt.guildShare, receipt.platformFee) < 0 {
                    problems.append("gift at offset \(offset) splits \(receipt.totalCoins) coins into parts that do not add up")
                }
                continue
            }
            for id in receipt.transferIDs {
                claimed.insert(id)
                if !existing.contains(id) { problems.append("gift at offset \(offset) names transfer \(id), which does not exist") }
            }
        }
        for id in existing.subtracting(claimed).sorted() {
            problems.append("gift transfer \(id) belongs to no gift fact")
        }
        return problems
    }
}
