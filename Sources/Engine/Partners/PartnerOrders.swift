import Books
import EngineCore
import Rooms

/// Coins a partner's game takes from a user (`debit`) and gives back (`refund`), through the
/// ledger: user coins to `system:partner_clearing:coins` and back, each in the same transaction
/// as its row and its journal fact (`partner_debit`, `partner_refund`).
///
/// The order id is the debit's idempotency key per partner, the refund id the refund's: the
/// same key with the same body answers the first result exactly; with another body it is
/// `idempotency_conflict`. A refused debit (insufficient funds) records nothing, so the same
/// order may be tried again later.
public struct PartnerOrders: Sendable {
    /// Journal types.
    public static let debitType = "partner_debit"
    public static let refundType = "partner_refund"
    /// Longest order or refund id, in bytes.
    public static let keyBytesMax = 64
    /// Largest debit or refund, in coins.
    public static let amountCoinsMax: Int64 = 100_000_000
    /// Longest memo, in bytes.
    public static let memoBytesMax = TransferRequest.memoBytesMax
    /// Most refunds one order may have.
    public static let refundsPerOrderMax = 100
    /// Ledger code of a streamer's share of a debit made in their room, and of its return.
    public static let streamerShareCode = "partner_streamer_share"
    public static let streamerShareRefundCode = "partner_streamer_share_refund"

    let store: any PartnerOrderStore
    let clock: any WallClock

    /// - Parameters: store: where orders live (its transactions move the money); clock: order times.
    public init(store: any PartnerOrderStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Debits `amountCoins` from `userID` for the partner's order `orderID`.
    /// - Throws: `PartnerError` `.invalid` (400), `.roomNotFound` (404), `.idempotencyConflict`
    ///   (409); `LedgerError` `insufficient_funds` (422), with nothing moved.
    /// With `roomID`, the game was played in that room: the partner's `streamer_share_bp` of the
    /// amount (rounded down) is issued to the room's streamer as revenue in the same transaction.
    public func debit(
        partner: String, orderID: String, userID: String, amountCoins: Int64, memo: String?, roomID: String? = nil
    ) async throws -> PartnerDebit {
        guard Partners.isValidKey(orderID) else { throw PartnerError.invalid("partner_order_id", Self.keyRule) }
        guard Principal.isValidUserID(userID) else { throw PartnerError.invalid("user_id", "not a user id") }
        guard (1...Self.amountCoinsMax).contains(amountCoins) else { throw PartnerError.invalid("amount_coins", "1...\(Self.amountCoinsMax)") }
        let memo = memo ?? ""
        guard memo.utf8.count <= Self.memoBytesMax, !memo.contains(where: { $0.isNewline }) else {
            throw PartnerError.invalid("memo", "at most \(Self.memoBytesMax) bytes on one line")
        }
        if let roomID, (try? RoomRules.checkRoomID(roomID)) == nil { throw PartnerError.invalid("room_id", "not a room id") }
        let now = clock.nowMillis()
        return try await store.write { tx in
            if let prior = try tx.debit(partner: partner, orderID: orderID) {
                guard prior.userID == userID, prior.amountCoins == amountCoins, prior.memo == memo, prior.roomID == roomID else {
                    throw PartnerError.idempotencyConflict(orderID)
                }
                return prior
            }
            let transferID = "partner:\(partner):\(orderID)"
            var transfers = [TransferRequest(
                id: transferID, debit: .user(userID, "coins"), credit: .system(.partnerClearing, "coins"),
                asset: "coins", amount: amountCoins, code: Self.debitType, memo: memo)]
            var debit = PartnerDebit(
                partnerID: partner, partnerOrderID: orderID, userID: userID, amountCoins: amountCoins, memo: memo,
                transferID: transferID, debitedAt: now)
            if let roomID {
                guard let streamer = try tx.streamer(ofRoom: roomID) else { throw PartnerError.roomNotFound(roomID) }
                let bp = try tx.streamerShareBP(partner: partner) ?? 0
                // amount ≤ amountCoinsMax and bp ≤ 10,000: the product fits easily.
                let share = amountCoins * bp / 10_000
                if share > 0 {
                    transfers.append(TransferRequest(
                        id: "\(transferID):streamer", debit: .system(.revenueIssuance, "revenue"), credit: .user(streamer, "revenue"),
                        asset: "revenue", amount: share, code: Self.streamerShareCode, memo: "partner \(partner) order \(orderID)"))
                }
                debit.roomID = roomID
                debit.streamerID = streamer
                debit.streamerShare = share
            }
            _ = try tx.ledger.apply(transfers, now: now)
            try tx.insert(debit)
            _ = try tx.journal.append(type: Self.debitType, payloadJSON: try PartnerJSON.text(debit), idempotencyKey: transferID, at: now)
            return debit
        }
    }

    /// Gives back `amountCoins` of the order `orderID` to its user; all or part, never more in
    /// total than the order debited.
    /// - Throws: `PartnerError` `.invalid` (400), `.orderNotFound` (404), `.idempotencyConflict`
    ///   (409), `.refundExceedsDebit`, `.tooManyRefunds` (422).
    public func refund(partner: String, orderID: String, refundID: String, amountCoins: Int64) async throws -> PartnerRefund {
        guard Partners.isValidKey(orderID) else { throw PartnerError.invalid("partner_order_id", Self.keyRule) }
        guard Partners.isValidKey(refundID) else { throw PartnerError.invalid("refund_id", Self.keyRule) }
        guard (1...Self.amountCoinsMax).contains(amountCoins) else { throw PartnerError.invalid("amount_coins", "1...\(Self.amountCoinsMax)") }
        let now = clock.nowMillis()
        return try await store.write { tx in
            guard let order = try tx.debit(partner: partner, orderID: orderID) else { throw PartnerError.orderNotFound(orderID) }
            let refunds = try tx.refunds(partner: partner, orderID: orderID)
            if let prior = try tx.refund(partner: partner, refundID: refundID) {
                guard prior.partnerOrderID == orderID, prior.amountCoins == amountCoins else { throw PartnerError.idempotencyConflict(refundID) }
                return prior
            }
            let refunded = try Self.total(refunds.map(\.amountCoins))
            let (after, overflow) = refunded.addingReportingOverflow(amountCoins)
            guard !overflow, after <= order.amountCoins else {
                throw PartnerError.refundExceedsDebit(remainingCoins: order.amountCoins - refunded, askedCoins: amountCoins)
            }
            guard refunds.count < Self.refundsPerOrderMax else { throw PartnerError.tooManyRefunds(max: Self.refundsPerOrderMax) }
            let transferID = "partner-refund:\(partner):\(refundID)"
            var transfers = [TransferRequest(
                id: transferID, debit: .system(.partnerClearing, "coins"), credit: .user(order.userID, "coins"),
                asset: "coins", amount: amountCoins, code: Self.refundType, memo: "order \(orderID)")]
            var refund = PartnerRefund(
                partnerID: partner, refundID: refundID, partnerOrderID: orderID, userID: order.userID, amountCoins: amountCoins,
                transferID: transferID, refundedAt: now)
            if let streamer = order.streamerID, let share = order.streamerShare {
                // The share's part of the coins refunded so far, less what earlier refunds took
                // back: the parts sum to the whole share once every coin is refunded.
                let back = Self.sharePart(share, of: order.amountCoins, through: after) - Self.sharePart(share, of: order.amountCoins, through: refunded)
                if back > 0 {
                    transfers.append(TransferRequest(
                        id: "\(transferID):streamer", debit: .user(streamer, "revenue"), credit: .system(.revenueIssuance, "revenue"),
                        asset: "revenue", amount: back, code: Self.streamerShareRefundCode, memo: "partner \(partner) refund \(refundID)"))
                }
                refund.streamerID = streamer
                refund.streamerShare = back
            }
            // The streamer's revenue may be gone (withdrawn): then nothing is refunded (422).
            _ = try tx.ledger.apply(transfers, now: now)
            try tx.insert(refund)
            _ = try tx.journal.append(type: Self.refundType, payloadJSON: try PartnerJSON.text(refund), idempotencyKey: transferID, at: now)
            return refund
        }
    }

    /// The order `orderID` with its refunds.
    /// - Throws: `PartnerError` `.invalid` (400), `.orderNotFound` (404).
    public func order(partner: String, orderID: String) async throws -> PartnerOrder {
        guard Partners.isValidKey(orderID) else { throw PartnerError.invalid("partner_order_id", Self.keyRule) }
        return try await store.read { tx in
            guard let debit = try tx.debit(partner: partner, orderID: orderID) else { throw PartnerError.orderNotFound(orderID) }
            return try PartnerOrder(debit: debit, refunds: tx.refunds(partner: partner, orderID: orderID))
        }
    }

    static let keyRule = "1...\(keyBytesMax) bytes of A-Z a-z 0-9 . _ : -"

    /// `share × refunded ÷ amount`, rounded down (0 ≤ refunded ≤ amount ≤ `amountCoinsMax`, so
    /// the product fits).
    static func sharePart(_ share: Int64, of amount: Int64, through refunded: Int64) -> Int64 {
        share * refunded / amount
    }

    /// Sums coin amounts, refusing an overflow instead of trapping.
    static func total(_ amounts: [Int64]) throws(PartnerError) -> Int64 {
        var sum: Int64 = 0
        for amount in amounts {
            let (next, overflow) = sum.addingReportingOverflow(amount)
            guard !overflow else { throw .invalid("amount_coins", "the total overflows") }
            sum = next
        }
        return sum
    }
}
