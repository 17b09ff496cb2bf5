extension Migrations {
    /// Partners of the signed partner API (mini-games): their secrets, the nonces they used
    /// within the timestamp window, their coin orders and the refunds of those orders.
    static let v7Partners = """
        CREATE TABLE partners (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE partner_nonces (
            partner_id TEXT NOT NULL,
            nonce TEXT NOT NULL,
            signed_at INTEGER NOT NULL,
            PRIMARY KEY (partner_id, nonce)
        ) WITHOUT ROWID;
        CREATE INDEX partner_nonces_signed ON partner_nonces(signed_at);
        CREATE TABLE partner_orders (
            partner_id TEXT NOT NULL,
            partner_order_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            amount_coins INTEGER NOT NULL CHECK (amount_coins > 0),
            memo TEXT NOT NULL,
            transfer_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (partner_id, partner_order_id)
        ) WITHOUT ROWID;
        CREATE INDEX partner_orders_created ON partner_orders(partner_id, created_at);
        CREATE TABLE partner_refunds (
            partner_id TEXT NOT NULL,
            refund_id TEXT NOT NULL,
            partner_order_id TEXT NOT NULL,
            amount_coins INTEGER NOT NULL CHECK (amount_coins > 0),
            transfer_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (partner_id, refund_id)
        ) WITHOUT ROWID;
        CREATE INDEX partner_refunds_order ON partner_refunds(partner_id, partner_order_id);
        CREATE INDEX partner_refunds_created ON partner_refunds(partner_id, created_at);
        """
}
