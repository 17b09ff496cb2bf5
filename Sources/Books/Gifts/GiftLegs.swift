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

    /// The names a gift's legs carry, which depend on the send alone and not on what the writer
    /// finds: made before the send reaches the writer (`GiftPlan`), so the one writer does not
    /// build them.
    package struct Names: Sendable {
        /// The send's key, `gift:<sender>:<idempotency key>`: its `gift` fact's key in
        /// `gift_keys`, and the prefix of its legs' ids.
        package let key: String
        let paid: String
        let fee: String
        let revenue: String
        let guild: String
        let memo: String
        /// The viewer's coins, which pay (`journal.payer` names it).
        package let payer: AccountID
        /// The streamer's revenue account (`journal.payee` names it when the gift paid the
        /// streamer anything).
        package let streamerRevenue: AccountID

        package init(
            senderID: String, sendID: String, streamerID: String, giftID: String, count: Int64, roomID: String
        ) {
            key = "gift:\(senderID):\(sendID)"
            paid = key + ":paid"
            fee = key + ":fee"
            revenue = key + ":revenue"
            guild = key + ":guild"
            memo = "\(count)x \(giftID) in \(roomID)"
            payer = .user(senderID, "coins")
            streamerRevenue = .user(streamerID, "revenue")
        }

        init(_ r: GiftReceipt) {
            self.init(senderID: r.senderID, sendID: r.sendID, streamerID: r.streamerID, giftID: r.giftID, count: r.count, roomID: r.roomID)
        }
    }

    /// The system accounts of a gift's legs, made once (an id hashes itself when made).
    private static let clearing = AccountID.system(.giftClearing, "coins")
    private static let fees = AccountID.system(.platformFees, "coins")
    private static let issuance = AccountID.system(.revenueIssuance, "revenue")
    private static let guildShares = AccountID.system(.guildShares, "revenue")

    /// The legs of a gift, in order; a leg with a zero amount is left out.
    public static func of(_ r: GiftReceipt) -> [TransferRequest] { of(r, Names(r)) }

    /// The legs of a gift whose names are made already.
    package static func of(_ r: GiftReceipt, _ names: Names) -> [TransferRequest] {
        var legs: [TransferRequest] = []
        legs.reserveCapacity(4)
        if r.streamerRevenue + r.guildShare > 0 {
            legs.append(TransferRequest(id: names.paid, debit: names.payer, credit: clearing,
                asset: "coins", amount: r.streamerRevenue + r.guildShare, code: "gift", memo: names.memo))
        }
        if r.platformFee > 0 {
            legs.append(TransferRequest(id: names.fee, debit: names.payer, credit: fees,
                asset: "coins", amount: r.platformFee, code: "gift_fee", memo: names.memo))
        }
        if r.streamerRevenue > 0 {
            legs.append(TransferRequest(id: names.revenue, debit: issuance,
                credit: names.streamerRevenue, asset: "revenue", amount: r.streamerRevenue, code: "gift_revenue", memo: names.memo))
        }
        if r.guildShare > 0 {
            legs.append(TransferRequest(id: names.guild, debit: issuance,
                credit: r.guildID.map { .guild($0, "revenue") } ?? guildShares, asset: "revenue", amount: r.guildShare,
                code: "gift_guild", memo: names.memo))
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

    /// The account the gift's row names as its payer (`journal.payer`, by number): the viewer's coins.
    static func payer(_ r: GiftReceipt) -> String { AccountID.user(r.senderID, "coins").description }

    /// The account the gift's row names as its payee (`journal.payee`, by number): the streamer's revenue, when
    /// the gift paid the streamer anything.
    static func payee(_ r: GiftReceipt) -> String? {
        r.streamerRevenue > 0 ? AccountID.user(r.streamerID, "revenue").description : nil
    }
}
