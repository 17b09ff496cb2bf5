import GRDB

extension Ledger {
    /// The transfers touching one account, newest first: transfer rows and the legs of gifts
    /// (which live in the gifts' journal rows, `GiftLegs`), merged in ledger-time order.
    /// - Parameters:
    ///   - account: the account.
    ///   - cursor: nil for the newest page, or a `nextCursor` from the previous page.
    ///   - limit: most transfers, 1...`pageLimitMax`.
    /// - Throws: `invalid_limit`, `invalid_cursor`, `invalid_account`, `unknown_asset`; storage errors.
    public func transfers(account: AccountID, cursor: String? = nil, limit: Int = 50) async throws -> TransferPage {
        try check(account)
        let before = try Self.pageStart(cursor: cursor, limit: limit)
        let key = account.description
        let gifts = HistoryGifts(account: account)
        return try await store.read { db in
            try Self.page(db, where: "(debit_account = ? OR credit_account = ?)", [key, key], gifts: gifts,
                touches: { $0.debit == account || $0.credit == account }, before: before, limit: limit)
        }
    }

    /// The transfers touching any account of a user, newest first (see `transfers(account:...)`).
    /// - Throws: `invalid_limit`, `invalid_cursor`, `invalid_account`; storage errors.
    public func transfers(user: String, cursor: String? = nil, limit: Int = 50) async throws -> TransferPage {
        try AccountID.user(user, "coins").validateOwner()
        let before = try Self.pageStart(cursor: cursor, limit: limit)
        let keys = configuration.assets.map { AccountID.user(user, $0).description }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        let gifts = HistoryGifts(
            condition: "(payer = ? OR payee = ?)", keys: [AccountID.user(user, "coins").description, AccountID.user(user, "revenue").description])
        return try await store.read { db in
            try Self.page(
                db, where: "(debit_account IN (\(marks)) OR credit_account IN (\(marks)))", keys + keys, gifts: gifts,
                touches: { $0.debit.owner == .user(user) || $0.credit.owner == .user(user) }, before: before, limit: limit)
        }
    }

    private static func pageStart(cursor: String?, limit: Int) throws -> HistoryPosition {
        guard (1...pageLimitMax).contains(limit) else { throw LedgerError.invalidLimit(limit, max: pageLimitMax) }
        return try cursor.map(TransferPage.position(fromCursor:)) ?? .newest
    }

    /// One page: up to `limit` items of the two histories, newest first. Each history is read
    /// from where the cursor left it; the next cursor is where this page left each of them.
    private static func page(
        _ db: Database, where condition: String, _ keys: [String], gifts: HistoryGifts?,
        touches: (Transfer) -> Bool, before: HistoryPosition, limit: Int
    ) throws -> TransferPage {
        let transfers = try Row.fetchAll(
            db, sql: "SELECT * FROM ledger_transfers WHERE \(condition) AND seq < ? ORDER BY seq DESC LIMIT ?",
            arguments: StatementArguments(keys) + [before.seq, limit + 1]
        ).map(Transfer.init(row:))
        let legs = try gifts.map { try giftLegs(db, $0, touches: touches, before: before, atLeast: limit + 1) } ?? []
        var items: [Transfer] = []
        items.reserveCapacity(limit)
        var position = before
        var (t, g) = (0, 0)
        while items.count < limit, t < transfers.count || g < legs.count {
            if g < legs.count, t == transfers.count || legs[g].transfer.ts > transfers[t].ts {
                items.append(legs[g].transfer)
                position.offset = legs[g].transfer.journalOffset ?? 0
                position.leg = legs[g].index
                g += 1
            } else {
                items.append(transfers[t])
                position.seq = transfers[t].seq
                t += 1
            }
        }
        let more = t < transfers.count || g < legs.count
        return TransferPage(transfers: items, nextCursor: more ? TransferPage.cursor(position) : nil)
    }

    /// The legs touching the account, newest first, from gift rows before the position: at
    /// least `atLeast` of them when there are that many.
    private static func giftLegs(
        _ db: Database, _ gifts: HistoryGifts, touches: (Transfer) -> Bool, before: HistoryPosition, atLeast: Int
    ) throws -> [(index: Int, transfer: Transfer)] {
        var legs: [(index: Int, transfer: Transfer)] = []
        var upTo = before.offset
        var inclusive = true
        while legs.count < atLeast {
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT offset, payload FROM journal WHERE \(gifts.condition) AND payer IS NOT NULL AND offset \(inclusive ? "<=" : "<") ?
                    ORDER BY offset DESC LIMIT ?
                    """,
                arguments: StatementArguments(gifts.keys) + [upTo, atLeast])
            for row in rows {
                let offset: Int64 = row["offset"]
                let receipt = try GiftReceipt(jsonText: row["payload"])
                for (index, leg) in GiftLegs.transfers(of: receipt, offset: offset).enumerated().reversed()
                where touches(leg) && (offset < before.offset || index < before.leg) {
                    legs.append((index, leg))
                }
                upTo = offset
            }
            inclusive = false
            if rows.count < atLeast { break }
        }
        return legs
    }
}

/// Where a history page starts: the transfer rows before `seq`, and the gift legs before leg
/// `leg` of the journal row at `offset`.
struct HistoryPosition: Equatable {
    var seq: Int64
    var offset: Int64
    var leg: Int

    static let newest = HistoryPosition(seq: .max, offset: .max, leg: 0)
}

/// Which gift rows an account's history reads.
struct HistoryGifts: Sendable {
    let condition: String
    let keys: [String]

    init(condition: String, keys: [String]) {
        self.condition = condition
        self.keys = keys
    }

    /// The gift rows whose legs may touch `account`; nil when no gift leg touches it.
    init?(account: AccountID) {
        let key = account.description
        switch account.owner {
        case .user where account.asset == "coins": self.init(condition: "payer = ?", keys: [key])
        case .user where account.asset == "revenue": self.init(condition: "payee = ?", keys: [key])
        case .system(.giftClearing), .system(.platformFees), .system(.revenueIssuance), .system(.guildShares):
            self.init(condition: "payer IS NOT NULL", keys: [])
        default: return nil
        }
    }
}
