import Engine

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

    /// A partner's game may be played in a streamer's room: the partner's `streamer_share_bp` of
    /// each debit is issued to the room's streamer as revenue (source `partner_games`), and a
    /// refund takes back its part of it.
    static let v15PartnerStreamerShare = """
        ALTER TABLE partners ADD COLUMN streamer_share_bp INTEGER NOT NULL DEFAULT 0 CHECK (streamer_share_bp BETWEEN 0 AND 10000);
        ALTER TABLE partner_orders ADD COLUMN room_id TEXT;
        ALTER TABLE partner_orders ADD COLUMN streamer_id TEXT;
        ALTER TABLE partner_orders ADD COLUMN streamer_share INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE partner_refunds ADD COLUMN streamer_share INTEGER NOT NULL DEFAULT 0;
        """
}
