import EngineCore

/// Compares a partner's copy of a statement (CSV in `PartnerStatement`'s columns) with ours.
public enum PartnerReconciliation {
    /// Largest statement file read, in bytes.
    public static let fileBytesMax = 64 * 1024 * 1024
    /// Longest line, in bytes.
    static let lineBytesMax = 1024
    /// Most digits of an amount.
    static let amountDigitsMax = 12

    /// One difference between the two sides.
    public enum Mismatch: Sendable, Equatable, CustomStringConvertible {
        /// A row we have that their file lacks.
        case missingInTheirs(PartnerStatementRow)
        /// A row their file has that we do not.
        case extraInTheirs(PartnerStatementRow)
        /// The same row with another amount.
        case amountDiffers(key: String, oursCoins: Int64, theirsCoins: Int64)
        /// The same row for another user.
        case userDiffers(key: String, ours: String, theirs: String)
        /// Their file lists the row more than once.
        case duplicateInTheirs(key: String)

        public var description: String {
            switch self {
            case .missingInTheirs(let row): "missing_in_theirs \(row.key) user=\(row.userID) ours=\(row.amountCoins)"
            case .extraInTheirs(let row): "extra_in_theirs \(row.key) user=\(row.userID) theirs=\(row.amountCoins)"
            case .amountDiffers(let key, let ours, let theirs): "amount_differs \(key) ours=\(ours) theirs=\(theirs)"
            case .userDiffers(let key, let ours, let theirs): "user_differs \(key) ours=\(ours) theirs=\(theirs)"
            case .duplicateInTheirs(let key): "duplicate_in_theirs \(key)"
            }
        }
    }

    /// A malformed statement file.
    public struct FormatError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Every difference, ours in statement order first, then theirs in file order.
    public static func compare(ours: [PartnerStatementRow], theirs: [PartnerStatementRow]) -> [Mismatch] {
        var theirsByKey: [String: PartnerStatementRow] = [:]
        var mismatches: [Mismatch] = []
        for row in theirs {
            if theirsByKey[row.key] != nil {
                mismatches.append(.duplicateInTheirs(key: row.key))
            } else {
                theirsByKey[row.key] = row
            }
        }
        var found = Set<String>()
        var differences: [Mismatch] = []
        for row in ours {
            guard let their = theirsByKey[row.key] else {
                differences.append(.missingInTheirs(row))
                continue
            }
            found.insert(row.key)
            if their.amountCoins != row.amountCoins {
                differences.append(.amountDiffers(key: row.key, oursCoins: row.amountCoins, theirsCoins: their.amountCoins))
            }
            if their.userID != row.userID { differences.append(.userDiffers(key: row.key, ours: row.userID, theirs: their.userID)) }
        }
        var seen = Set<String>()
        for row in theirs where !found.contains(row.key) && seen.insert(row.key).inserted {
            differences.append(.extraInTheirs(row))
        }
        return differences + mismatches
    }

    /// Reads a statement file: the header line, then rows; `total` rows are checked for their
    /// form and skipped (the rows are what is compared). Blank lines are skipped.
    /// - Throws: `FormatError` naming the line.
    public static func parse(_ text: String) throws(FormatError) -> [PartnerStatementRow] {
        guard text.utf8.count <= fileBytesMax else { throw FormatError(line: 0, reason: "larger than \(fileBytesMax) bytes") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first, first == PartnerStatement.header[...] else {
            throw FormatError(line: 1, reason: "the header must be '\(PartnerStatement.header)'")
        }
        var rows: [PartnerStatementRow] = []
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let number = index + 1
            guard rows.count < PartnerStatements.rowsMax else {
                throw FormatError(line: number, reason: "more than \(PartnerStatements.rowsMax) rows")
            }
            if let row = try Self.row(line, number: number) { rows.append(row) }
        }
        return rows
    }

    private static func row(_ line: Substring, number: Int) throws(FormatError) -> PartnerStatementRow? {
        guard line.utf8.count <= lineBytesMax else { throw FormatError(line: number, reason: "longer than \(lineBytesMax) bytes") }
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7 else { throw FormatError(line: number, reason: "\(fields.count) fields, 7 expected") }
        let debit = try amount(fields[4], "debit_coins", number)
        let refund = try amount(fields[5], "refund_coins", number)
        if fields[0] == "total" { return nil }
        guard let kind = PartnerStatementRow.Kind(rawValue: fields[0]) else {
            throw FormatError(line: number, reason: "kind must be debit, refund or total")
        }
        guard Partners.isValidKey(fields[1]) else { throw FormatError(line: number, reason: "partner_order_id: \(PartnerOrders.keyRule)") }
        switch kind {
        case .debit:
            guard fields[2].isEmpty, refund == 0 else { throw FormatError(line: number, reason: "a debit has no refund_id and refund_coins 0") }
        case .refund:
            guard Partners.isValidKey(fields[2]), debit == 0 else {
                throw FormatError(line: number, reason: "a refund has a refund_id and debit_coins 0")
            }
        }
        guard Principal.isValidUserID(fields[3]) else { throw FormatError(line: number, reason: "user_id is not a user id") }
        let at = fields[6].isEmpty ? 0 : try amount(fields[6], "at_ms", number, digitsMax: 15)
        return PartnerStatementRow(
            kind: kind, orderID: fields[1], refundID: fields[2], userID: fields[3], amountCoins: kind == .debit ? debit : refund, atMillis: at)
    }

    /// A non-negative integer of at most `digitsMax` digits; an empty field is 0.
    private static func amount(_ text: String, _ name: String, _ number: Int, digitsMax: Int = amountDigitsMax) throws(FormatError) -> Int64 {
        if text.isEmpty { return 0 }
        guard text.utf8.count <= digitsMax, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int64(text)
        else { throw FormatError(line: number, reason: "\(name) must be at most \(digitsMax) digits") }
        return value
    }
}
