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
        let gifts = HistoryGifts(account: account)
        return try await store.ledgerRead(self) { rows in
            try Self.page(rows, [account], gifts: gifts, touches: { $0.debit == account || $0.credit == account }, before: before, limit: limit)
        }
    }

    /// The transfers touching any account of a user, newest first (see `transfers(account:...)`).
    /// - Throws: `invalid_limit`, `invalid_cursor`, `invalid_account`; storage errors.
    public func transfers(user: String, cursor: String? = nil, limit: Int = 50) async throws -> TransferPage {
        try AccountID.user(user, "coins").validateOwner()
        let before = try Self.pageStart(cursor: cursor, limit: limit)
        let accounts = configuration.assets.map { AccountID.user(user, $0) }
        let gifts = HistoryGifts(user: user)
        return try await store.ledgerRead(self) { rows in
            try Self.page(
                rows, accounts, gifts: gifts, touches: { $0.debit.owner == .user(user) || $0.credit.owner == .user(user) }, before: before,
                limit: limit)
        }
    }

    private static func pageStart(cursor: String?, limit: Int) throws -> HistoryPosition {
        guard (1...pageLimitMax).contains(limit) else { throw LedgerError.invalidLimit(limit, max: pageLimitMax) }
        return try cursor.map(TransferPage.position(fromCursor:)) ?? .newest
    }

    /// One page: up to `limit` items of the two histories, newest first. Each history is read
    /// from where the cursor left it; the next cursor is where this page left each of them.
    private static func page(
        _ rows: any LedgerRows, _ accounts: [AccountID], gifts: HistoryGifts?,
        touches: (Transfer) -> Bool, before: HistoryPosition, limit: Int
    ) throws -> TransferPage {
        let transfers = try rows.transfers(touching: accounts, beforeSeq: before.seq, limit: limit + 1)
        let legs = try gifts.map { try giftLegs(rows, $0, touches: touches, before: before, atLeast: limit + 1) } ?? []
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
    /// least `atLeast` of them when there are that many. Each stream of rows (a user's payer rows,
    /// their payee rows) is read in offset order through its own index and the streams are
    /// merged here, so a page reads about `atLeast` rows of each, however long the history.
    private static func giftLegs(
        _ rows: any LedgerRows, _ gifts: HistoryGifts, touches: (Transfer) -> Bool, before: HistoryPosition, atLeast: Int
    ) throws -> [(index: Int, transfer: Transfer)] {
        var merged: [(index: Int, transfer: Transfer)] = []
        for stream in gifts.streams {
            merged += try streamLegs(rows, stream, touches: touches, before: before, atLeast: atLeast)
        }
        guard gifts.streams.count > 1 else { return merged }
        // Newest first; a row found in two streams (never, as nobody gifts to themselves) once.
        merged.sort { ($0.transfer.journalOffset ?? 0, $0.index) > ($1.transfer.journalOffset ?? 0, $1.index) }
        var seen = Set<[Int64]>()
        merged = merged.filter { seen.insert([$0.transfer.journalOffset ?? 0, Int64($0.index)]).inserted }
        // Past `atLeast`, a stream that was cut short may be missing rows: keep what is certain.
        return Array(merged.prefix(atLeast))
    }

    private static func streamLegs(
        _ rows: any LedgerRows, _ stream: GiftStream, touches: (Transfer) -> Bool, before: HistoryPosition, atLeast: Int
    ) throws -> [(index: Int, transfer: Transfer)] {
        var legs: [(index: Int, transfer: Transfer)] = []
        var upTo = before.offset
        var inclusive = true
        while legs.count < atLeast {
            let found = try rows.giftRows(stream, upTo: upTo, inclusive: inclusive, limit: atLeast)
            for row in found {
                let receipt = try GiftReceipt(jsonText: row.payload)
                for (index, leg) in GiftLegs.transfers(of: receipt, offset: row.offset).enumerated().reversed()
                where touches(leg) && (row.offset < before.offset || index < before.leg) {
                    legs.append((index, leg))
                }
                upTo = row.offset
            }
            inclusive = false
            if found.count < atLeast { break }
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

/// Which gift rows an account's history reads: one or more streams, each in offset order
/// (`SQLiteAccountHistory`: the projection and the journal's newest rows).
struct HistoryGifts: Sendable {
    let streams: [GiftStream]

    init(streams: [GiftStream]) {
        self.streams = streams
    }

    /// A user's gift rows: those they paid (coins) and those that paid them (revenue).
    init(user: String) {
        self.init(streams: [.account(AccountID.user(user, "coins").description), .account(AccountID.user(user, "revenue").description)])
    }

    /// The gift rows whose legs may touch `account`; nil when no gift leg touches it.
    init?(account: AccountID) {
        switch account.owner {
        case .user where account.asset == "coins" || account.asset == "revenue": self.init(streams: [.account(account.description)])
        case .system(.giftClearing), .system(.platformFees), .system(.revenueIssuance), .system(.guildShares):
            self.init(streams: [.allGifts])
        case .guild where account.asset == "revenue":
            self.init(streams: [.allGifts])
        default: return nil
        }
    }
}
