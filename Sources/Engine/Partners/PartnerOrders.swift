import GRDB

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

    let store: Store
    let ledger: Ledger
    let clock: any WallClock

    /// - Parameters: store: the database; ledger: the money; clock: order times.
    public init(store: Store, ledger: Ledger, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.ledger = ledger
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
        let ledger = self.ledger
        return try await store.write { db in
            if let prior = try Self.debit(db, partner: partner, orderID: orderID) {
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
                guard let streamer = try String.fetchOne(db, sql: "SELECT streamer_id FROM rooms WHERE id = ?", arguments: [roomID]) else {
                    throw PartnerError.roomNotFound(roomID)
                }
                let bp = try Int64.fetchOne(db, sql: "SELECT streamer_share_bp FROM partners WHERE id = ?", arguments: [partner]) ?? 0
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
            _ = try ledger.apply(db, transfers, now: now)
            try db.execute(
                sql: """
                    INSERT INTO partner_orders (partner_id, partner_order_id, user_id, amount_coins, memo, transfer_id, created_at,
                        room_id, streamer_id, streamer_share)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [partner, orderID, userID, amountCoins, memo, transferID, now, roomID, debit.streamerID, debit.streamerShare ?? 0])
            _ = try Journal.append(db, type: Self.debitType, payloadJSON: try PartnerJSON.text(debit), idempotencyKey: transferID, at: now)
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
        let ledger = self.ledger
        return try await store.write { db in
            guard let order = try Self.debit(db, partner: partner, orderID: orderID) else { throw PartnerError.orderNotFound(orderID) }
            let refunds = try Self.refunds(db, partner: partner, orderID: orderID)
            if let prior = try Self.refund(db, partner: partner, refundID: refundID) {
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
            _ = try ledger.apply(db, transfers, now: now)
            try db.execute(
                sql: """
                    INSERT INTO partner_refunds (partner_id, refund_id, partner_order_id, amount_coins, transfer_id, created_at, streamer_share)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [partner, refundID, orderID, amountCoins, transferID, now, refund.streamerShare ?? 0])
            _ = try Journal.append(db, type: Self.refundType, payloadJSON: try PartnerJSON.text(refund), idempotencyKey: transferID, at: now)
            return refund
        }
    }

    /// The order `orderID` with its refunds.
    /// - Throws: `PartnerError` `.invalid` (400), `.orderNotFound` (404).
    public func order(partner: String, orderID: String) async throws -> PartnerOrder {
        guard Partners.isValidKey(orderID) else { throw PartnerError.invalid("partner_order_id", Self.keyRule) }
        return try await store.read { db in
            guard let debit = try Self.debit(db, partner: partner, orderID: orderID) else { throw PartnerError.orderNotFound(orderID) }
            return try PartnerOrder(debit: debit, refunds: Self.refunds(db, partner: partner, orderID: orderID))
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

    static func debit(_ db: Database, partner: String, orderID: String) throws -> PartnerDebit? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT user_id, amount_coins, memo, transfer_id, created_at, room_id, streamer_id, streamer_share FROM partner_orders
                WHERE partner_id = ? AND partner_order_id = ?
                """,
            arguments: [partner, orderID]
        ).map {
            let roomID: String? = $0[5]
            return PartnerDebit(
                partnerID: partner, partnerOrderID: orderID, userID: $0[0], amountCoins: $0[1], memo: $0[2], transferID: $0[3],
                debitedAt: $0[4], roomID: roomID, streamerID: $0[6], streamerShare: roomID == nil ? nil : $0[7] as Int64)
        }
    }

    static func refunds(_ db: Database, partner: String, orderID: String) throws -> [PartnerRefund] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT r.refund_id, r.amount_coins, r.transfer_id, r.created_at, o.user_id, o.streamer_id, r.streamer_share FROM partner_refunds r
                JOIN partner_orders o ON o.partner_id = r.partner_id AND o.partner_order_id = r.partner_order_id
                WHERE r.partner_id = ? AND r.partner_order_id = ? ORDER BY r.created_at, r.refund_id
                """,
            arguments: [partner, orderID]
        ).map {
            let streamer: String? = $0[5]
            return PartnerRefund(
                partnerID: partner, refundID: $0[0], partnerOrderID: orderID, userID: $0[4], amountCoins: $0[1], transferID: $0[2],
                refundedAt: $0[3], streamerID: streamer, streamerShare: streamer == nil ? nil : $0[6] as Int64)
        }
    }

    static func refund(_ db: Database, partner: String, refundID: String) throws -> PartnerRefund? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT r.partner_order_id, r.amount_coins, r.transfer_id, r.created_at, o.user_id, o.streamer_id, r.streamer_share FROM partner_refunds r
                JOIN partner_orders o ON o.partner_id = r.partner_id AND o.partner_order_id = r.partner_order_id
                WHERE r.partner_id = ? AND r.refund_id = ?
                """,
            arguments: [partner, refundID]
        ).map {
            let streamer: String? = $0[5]
            return PartnerRefund(
                partnerID: partner, refundID: refundID, partnerOrderID: $0[0], userID: $0[4], amountCoins: $0[1], transferID: $0[2],
                refundedAt: $0[3], streamerID: streamer, streamerShare: streamer == nil ? nil : $0[6] as Int64)
        }
    }
}
