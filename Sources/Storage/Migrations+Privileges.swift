import Engine

extension Migrations {
    /// Privilege products (VIP lines, guards, vehicles), who holds what until when, purchase
    /// idempotency records, and fan medals with the one each viewer wears.
    static let v7Privileges = """
        CREATE TABLE privilege_products (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('vip', 'guard', 'vehicle')),
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE privileges (
            user_id TEXT NOT NULL,
            product TEXT NOT NULL,
            scope TEXT NOT NULL,
            tier TEXT NOT NULL,
            tier_rank INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            expiry_journaled INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, product, scope)
        ) WITHOUT ROWID;
        CREATE INDEX privileges_unswept ON privileges(expires_at) WHERE expiry_journaled = 0;
        CREATE INDEX privileges_by_scope ON privileges(scope, product, expires_at);
        CREATE TABLE privilege_purchases (
            buyer_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            request TEXT NOT NULL,
            outcome TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (buyer_id, idempotency_key)
        ) WITHOUT ROWID;
        CREATE TABLE fan_medals (
            viewer_id TEXT NOT NULL,
            streamer_id TEXT NOT NULL,
            points INTEGER NOT NULL CHECK (points >= 0),
            level INTEGER NOT NULL CHECK (level >= 0),
            day TEXT NOT NULL,
            day_points INTEGER NOT NULL CHECK (day_points >= 0),
            first_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (viewer_id, streamer_id)
        ) WITHOUT ROWID;
        CREATE INDEX fan_medals_by_streamer ON fan_medals(streamer_id, points DESC, viewer_id);
        CREATE TABLE worn_medals (
            viewer_id TEXT PRIMARY KEY,
            streamer_id TEXT NOT NULL,
            worn_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
}
