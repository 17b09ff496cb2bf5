/// One line of a partner statement: a debit or a refund.
public struct PartnerStatementRow: Sendable, Equatable {
    /// What moved.
    public enum Kind: String, Sendable {
        case debit, refund
    }

    public var kind: Kind
    public var orderID: String
    /// Empty for a debit.
    public var refundID: String
    public var userID: String
    public var amountCoins: Int64
    /// When, in milliseconds since 1970 (not compared by reconciliation: clocks differ).
    public var atMillis: Int64

    /// What names the row across both sides: kind, order id and refund id.
    public var key: String { refundID.isEmpty ? "\(kind.rawValue) \(orderID)" : "\(kind.rawValue) \(orderID) \(refundID)" }

    package init(kind: Kind, orderID: String, refundID: String, userID: String, amountCoins: Int64, atMillis: Int64) {
        self.kind = kind
        self.orderID = orderID
        self.refundID = refundID
        self.userID = userID
        self.amountCoins = amountCoins
        self.atMillis = atMillis
    }
}

/// A day's statement: its rows and their totals.
///
/// CSV columns (`header`): `kind` (`debit`, `refund`, or `total` for the last row),
/// `partner_order_id`, `refund_id` (empty for a debit), `user_id`, `debit_coins`,
/// `refund_coins` (the row's amount in its column, 0 in the other), `at_ms` (milliseconds since
/// 1970, UTC). The totals row carries the sums of both amount columns and leaves the others
/// empty. Lines end with `\n`; ids never need quoting (`Partners.isValidKey`).
public struct PartnerStatement: Sendable, Equatable {
    /// The CSV header line.
    public static let header = "kind,partner_order_id,refund_id,user_id,debit_coins,refund_coins,at_ms"

    public let rows: [PartnerStatementRow]
    public let debitCoins: Int64
    public let refundCoins: Int64

    /// - Throws: `PartnerError.invalid` if a total overflows.
    public init(rows: [PartnerStatementRow]) throws(PartnerError) {
        self.rows = rows
        debitCoins = try PartnerOrders.total(rows.filter { $0.kind == .debit }.map(\.amountCoins))
        refundCoins = try PartnerOrders.total(rows.filter { $0.kind == .refund }.map(\.amountCoins))
    }

    /// The statement as CSV text.
    public var csv: String {
        var lines = [Self.header]
        lines.reserveCapacity(rows.count + 2)
        for row in rows {
            let debit = row.kind == .debit ? row.amountCoins : 0
            let refund = row.kind == .refund ? row.amountCoins : 0
            lines.append("\(row.kind.rawValue),\(row.orderID),\(row.refundID),\(row.userID),\(debit),\(refund),\(row.atMillis)")
        }
        lines.append("total,,,,\(debitCoins),\(refundCoins),")
        return lines.joined(separator: "\n") + "\n"
    }
}
