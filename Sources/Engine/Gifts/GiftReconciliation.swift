import Foundation
import GRDB

/// Cross-checks between gifts and the ledger: every `gift` fact has its transfers, and every
/// gift transfer belongs to a `gift` fact.
public enum GiftReconciliation {
    /// Ledger codes written only by gift sends.
    static let giftCodes = ["gift", "gift_fee", "gift_revenue", "gift_guild"]

    /// Violations, as readable lines; empty when consistent.
    public static func check(_ db: Database) throws -> [String] {
        var problems: [String] = []
        var claimed = Set<String>()
        let rows = try Row.fetchAll(db, sql: "SELECT offset, payload FROM journal WHERE type = ? ORDER BY offset", arguments: [GiftSender.giftType])
        let existing = Set(try String.fetchAll(
            db, sql: "SELECT id FROM ledger_transfers WHERE code IN (\(giftCodes.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(giftCodes)))
        for row in rows {
            let offset: Int64 = row["offset"]
            let receipt = try JSONDecoder().decode(GiftReceipt.self, from: Data((row["payload"] as String).utf8))
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
