/// The money a gift moves, as the legs its journal row carries.
///
/// A gift send writes one journal row (the `gift` fact, which is also the receipt), not a
/// transfer row per leg: the receipt's split amounts and accounts are the legs. They are the
/// chain a gift always was: the viewer's coins to gift clearing (the part paid out as revenue)
/// and to the platform (its fee), and revenue issued to the streamer and to the streamer's guild of
/// that day (`GiftReceipt.guildID`; the unassigned pool `system:guild_shares` when there is none).
/// Gifts sent before the legs moved into the journal have these as transfer rows with the same
/// ids; `GiftLegs.inJournal` tells the two apart.
public enum GiftLegs {
    /// Most legs a gift has (paid, fee, revenue, guild): a history cursor's leg position is
    /// 0...`countMax`.
    public static let countMax = 4

    /// The legs of a gift, in order; a leg with a zero amount is left out.
    public static func of(_ r: GiftReceipt) -> [TransferRequest] {
        let key = "gift:\(r.senderID):\(r.sendID)"
        let memo = "\(r.count)x \(r.giftID) in \(r.roomID)"
        var legs: [TransferRequest] = []
        legs.reserveCapacity(4)
        if r.streamerRevenue + r.guildShare > 0 {
            legs.append(TransferRequest(id: "\(key):paid", debit: .user(r.senderID, "coins"), credit: .system(.giftClearing, "coins"),
                asset: "coins", amount: r.streamerRevenue + r.guildShare, code: "gift", memo: memo))
        }
        if r.platformFee > 0 {
            legs.append(TransferRequest(id: "\(key):fee", debit: .user(r.senderID, "coins"), credit: .system(.platformFees, "coins"),
                asset: "coins", amount: r.platformFee, code: "gift_fee", memo: memo))
        }
        if r.streamerRevenue > 0 {
            legs.append(TransferRequest(id: "\(key):revenue", debit: .system(.revenueIssuance, "revenue"),
                credit: .user(r.streamerID, "revenue"), asset: "revenue", amount: r.streamerRevenue, code: "gift_revenue", memo: memo))
        }
        if r.guildShare > 0 {
            legs.append(TransferRequest(id: "\(key):guild", debit: .system(.revenueIssuance, "revenue"),
                credit: r.guildID.map { .guild($0, "revenue") } ?? .system(.guildShares, "revenue"), asset: "revenue", amount: r.guildShare, code: "gift_guild", memo: memo))
        }
        return legs
    }

    /// The legs as history rows: each stamped with the gift's ledger time and journal offset.
    static func transfers(of r: GiftReceipt, offset: Int64) -> [Transfer] {
        of(r).map { leg in
            Transfer(seq: 0, id: leg.id, debit: leg.debit, credit: leg.credit, asset: leg.asset, amount: leg.amount, code: leg.code,
                memo: leg.memo, ts: r.ledgerTime, kind: .posted, pendingID: nil, reverses: nil, linkedBatch: nil, expiresAt: nil,
                journalOffset: offset)
        }
    }

    /// The account indexed as the gift's payer (`journal.payer`): the viewer's coins.
    static func payer(_ r: GiftReceipt) -> String { AccountID.user(r.senderID, "coins").description }

    /// The account indexed as the gift's payee (`journal.payee`): the streamer's revenue, when
    /// the gift paid the streamer anything.
    static func payee(_ r: GiftReceipt) -> String? {
        r.streamerRevenue > 0 ? AccountID.user(r.streamerID, "revenue").description : nil
    }
}
