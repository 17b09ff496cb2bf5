import Books
import Engine
import EngineCore
import GRDB

/// `PartnerOrderStore` on the SQLite store: `partner_orders` and `partner_refunds` (and a room's
/// streamer and a partner's share from `rooms` and `partners`), in the store's transactions,
/// with the ledger and journal of `SQLiteTransaction`.
public struct SQLitePartnerOrderStore: PartnerOrderStore {
    let store: Store
    let ledger: Ledger

    /// - Parameters: store: the database; ledger: what debits and refunds move coins through.
    public init(_ store: Store, ledger: Ledger) {
        self.store = store
        self.ledger = ledger
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any PartnerOrderTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.write({ db in SQLitePartnerOrderTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any PartnerOrderTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.read({ db in SQLitePartnerOrderTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }
}

/// `PartnerOrderTransaction` on one SQLite connection inside an open transaction.
final class SQLitePartnerOrderTransaction: SQLiteTransaction, PartnerOrderTransaction {
    func debit(partner: String, orderID: String) throws -> PartnerDebit? {
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

    func refunds(partner: String, orderID: String) throws -> [PartnerRefund] {
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

    func refund(partner: String, refundID: String) throws -> PartnerRefund? {
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

    func streamer(ofRoom roomID: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT streamer_id FROM rooms WHERE id = ?", arguments: [roomID])
    }

    func streamerShareBP(partner: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT streamer_share_bp FROM partners WHERE id = ?", arguments: [partner])
    }

    func insert(_ d: PartnerDebit) throws {
        try db.execute(
            sql: """
                INSERT INTO partner_orders (partner_id, partner_order_id, user_id, amount_coins, memo, transfer_id, created_at,
                    room_id, streamer_id, streamer_share)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                d.partnerID, d.partnerOrderID, d.userID, d.amountCoins, d.memo, d.transferID, d.debitedAt, d.roomID, d.streamerID,
                d.streamerShare ?? 0,
            ])
    }

    func insert(_ r: PartnerRefund) throws {
        try db.execute(
            sql: """
                INSERT INTO partner_refunds (partner_id, refund_id, partner_order_id, amount_coins, transfer_id, created_at, streamer_share)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [r.partnerID, r.refundID, r.partnerOrderID, r.amountCoins, r.transferID, r.refundedAt, r.streamerShare ?? 0])
    }
}

extension PartnerOrders {
    /// Partner orders on the SQLite store, their coins moved through `ledger`.
    /// - Parameters: store: the database; ledger: the money; clock: order times.
    public init(store: Store, ledger: Ledger, clock: any WallClock = SystemWallClock()) {
        self.init(store: SQLitePartnerOrderStore(store, ledger: ledger), clock: clock)
    }
}
