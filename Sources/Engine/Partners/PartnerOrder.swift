/// A partner's debit of a user's coins: the answer of `POST /v1/partner/orders` (the same for a replay).
public struct PartnerDebit: Sendable, Codable, Equatable {
    public let partnerID: String
    public let partnerOrderID: String
    public let userID: String
    public let amountCoins: Int64
    public let memo: String
    public let transferID: String
    public let debitedAt: Int64
    /// The room the game was played in (absent: none), its streamer, and the revenue issued to
    /// the streamer: the partner's `streamer_share_bp` of the amount, rounded down.
    public var roomID: String? = nil
    public var streamerID: String? = nil
    public var streamerShare: Int64? = nil

    package init(
        partnerID: String, partnerOrderID: String, userID: String, amountCoins: Int64, memo: String, transferID: String,
        debitedAt: Int64, roomID: String? = nil, streamerID: String? = nil, streamerShare: Int64? = nil
    ) {
        self.partnerID = partnerID
        self.partnerOrderID = partnerOrderID
        self.userID = userID
        self.amountCoins = amountCoins
        self.memo = memo
        self.transferID = transferID
        self.debitedAt = debitedAt
        self.roomID = roomID
        self.streamerID = streamerID
        self.streamerShare = streamerShare
    }
}

/// A refund of (part of) a partner's order: the answer of a refund request (the same for a replay).
public struct PartnerRefund: Sendable, Codable, Equatable {
    public let partnerID: String
    public let refundID: String
    public let partnerOrderID: String
    public let userID: String
    public let amountCoins: Int64
    public let transferID: String
    public let refundedAt: Int64
    /// The order's streamer and the revenue this refund took back from them (absent: the order
    /// had no room): the order's share times the coins refunded so far over the coins debited,
    /// rounded down, less what earlier refunds took, so a full refund takes back the whole share.
    public var streamerID: String? = nil
    public var streamerShare: Int64? = nil

    package init(
        partnerID: String, refundID: String, partnerOrderID: String, userID: String, amountCoins: Int64,
        transferID: String, refundedAt: Int64, streamerID: String? = nil, streamerShare: Int64? = nil
    ) {
        self.partnerID = partnerID
        self.refundID = refundID
        self.partnerOrderID = partnerOrderID
        self.userID = userID
        self.amountCoins = amountCoins
        self.transferID = transferID
        self.refundedAt = refundedAt
        self.streamerID = streamerID
        self.streamerShare = streamerShare
    }
}

/// An order as `GET /v1/partner/orders/{partner_order_id}` shows it.
public struct PartnerOrder: Sendable, Codable, Equatable {
    /// Where an order stands.
    public enum State: String, Sendable, Codable {
        /// Debited, nothing refunded.
        case debited
        /// Some but not all coins refunded.
        case partiallyRefunded = "partially_refunded"
        /// Every debited coin refunded.
        case refunded
    }

    public let partnerOrderID: String
    public let userID: String
    public let memo: String
    public let debitedCoins: Int64
    public let refundedCoins: Int64
    public let state: State
    public let transferID: String
    public let debitedAt: Int64
    public let refunds: [PartnerRefund]
    /// As on the debit: the room, its streamer and the revenue issued to them.
    public let roomID: String?
    public let streamerID: String?
    public let streamerShare: Int64?

    init(debit: PartnerDebit, refunds: [PartnerRefund]) throws(PartnerError) {
        let refunded = try PartnerOrders.total(refunds.map(\.amountCoins))
        partnerOrderID = debit.partnerOrderID
        userID = debit.userID
        memo = debit.memo
        debitedCoins = debit.amountCoins
        refundedCoins = refunded
        state = refunded == 0 ? .debited : refunded < debit.amountCoins ? .partiallyRefunded : .refunded
        transferID = debit.transferID
        debitedAt = debit.debitedAt
        self.refunds = refunds
        roomID = debit.roomID
        streamerID = debit.streamerID
        streamerShare = debit.streamerShare
    }
}
