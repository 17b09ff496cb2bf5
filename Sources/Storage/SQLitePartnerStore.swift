import Books
import Engine
import GRDB

/// `PartnerStore` on the SQLite store: `partners`, `partner_nonces`, and the statement rows of
/// `partner_orders` and `partner_refunds`.
public struct SQLitePartnerStore: PartnerStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func register(_ partner: Partners.Partner, secret: String, registrationJSON: String) async throws -> Bool {
        try await store.write { db in
            guard try Int64.fetchOne(db, sql: "SELECT 1 FROM partners WHERE id = ?", arguments: [partner.id]) == nil else { return false }
            try db.execute(
                sql: "INSERT INTO partners (id, name, secret, created_by, created_at, streamer_share_bp) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [partner.id, partner.name, secret, partner.createdBy, partner.createdAt, partner.streamerShareBP])
            _ = try Journal.append(db, type: Partners.registeredType, payloadJSON: registrationJSON, at: partner.createdAt)
            return true
        }
    }

    public func partners() async throws -> [Partners.Partner] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, created_by, created_at, streamer_share_bp FROM partners ORDER BY id").map {
                Partners.Partner(id: $0[0], name: $0[1], createdBy: $0[2], createdAt: $0[3], streamerShareBP: $0[4])
            }
        }
    }

    public func secret(partnerID: String) async throws -> String? {
        try await store.read { db in try String.fetchOne(db, sql: "SELECT secret FROM partners WHERE id = ?", arguments: [partnerID]) }
    }

    public func useNonce(partnerID: String, nonce: String, signedAt: Int64, pruneBefore: Int64) async throws -> Bool {
        try await store.write { db in
            try db.execute(sql: "DELETE FROM partner_nonces WHERE signed_at < ?", arguments: [pruneBefore])
            try db.execute(
                sql: "INSERT INTO partner_nonces (partner_id, nonce, signed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [partnerID, nonce, signedAt])
            return db.changesCount == 1
        }
    }

    public func statementRows(partnerID: String, from: Int64, to: Int64, limit: Int) async throws -> [PartnerStatementRow] {
        try await store.read { db in
            let debits = try Row.fetchAll(
                db,
                sql: """
                    SELECT partner_order_id, user_id, amount_coins, created_at FROM partner_orders
                    WHERE partner_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, partner_order_id LIMIT ?
                    """,
                arguments: [partnerID, from, to, limit]
            ).map { PartnerStatementRow(kind: .debit, orderID: $0[0], refundID: "", userID: $0[1], amountCoins: $0[2], atMillis: $0[3]) }
            let refunds = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.partner_order_id, r.refund_id, o.user_id, r.amount_coins, r.created_at FROM partner_refunds r
                    JOIN partner_orders o ON o.partner_id = r.partner_id AND o.partner_order_id = r.partner_order_id
                    WHERE r.partner_id = ? AND r.created_at >= ? AND r.created_at < ? ORDER BY r.created_at, r.refund_id LIMIT ?
                    """,
                arguments: [partnerID, from, to, limit]
            ).map {
                PartnerStatementRow(kind: .refund, orderID: $0[0], refundID: $0[1], userID: $0[2], amountCoins: $0[3], atMillis: $0[4])
            }
            return debits + refunds
        }
    }
}
