extension Migrations {
    /// The other tables whose CHECK named its allowed values as an IN list of three or more
    /// (v24 rebuilt the ledger's and the earnings' tables): SQLite builds a temporary index of
    /// such a list on every insert. These tables are written far less often (queue members and
    /// their facts, goods, moderation words, privilege products, settlement months and
    /// withdrawals); they are rebuilt so that no table keeps the cost, and a test holds every
    /// table of the schema to it. Every row, rowid and index is kept.
    static let v25ChecksWithoutInLists = """
        CREATE TABLE moderation_words_v25 (
            id INTEGER PRIMARY KEY,
            word TEXT NOT NULL,
            category TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action = 'block' OR action = 'mask' OR action = 'score'),
            score INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO moderation_words_v25 (id, word, category, action, score)
            SELECT id, word, category, action, score FROM moderation_words ORDER BY id;
        DROP TABLE moderation_words;
        ALTER TABLE moderation_words_v25 RENAME TO moderation_words;

        CREATE TABLE privilege_products_v25 (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind = 'vip' OR kind = 'guard' OR kind = 'vehicle'),
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        INSERT INTO privilege_products_v25 (rowid, id, kind, version, body, updated_at)
            SELECT rowid, id, kind, version, body, updated_at FROM privilege_products ORDER BY rowid;
        DROP TABLE privilege_products;
        ALTER TABLE privilege_products_v25 RENAME TO privilege_products;

        CREATE TABLE queue_memberships_v25 (
            id INTEGER PRIMARY KEY,
            room_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            state TEXT NOT NULL
                CHECK (state = 'waiting' OR state = 'playing' OR state = 'left' OR state = 'removed' OR state = 'played'),
            joined_at INTEGER NOT NULL,
            game_at INTEGER,
            ended_at INTEGER,
            end_reason TEXT
        );
        INSERT INTO queue_memberships_v25 (id, room_id, user_id, state, joined_at, game_at, ended_at, end_reason)
            SELECT id, room_id, user_id, state, joined_at, game_at, ended_at, end_reason FROM queue_memberships ORDER BY id;
        DROP TABLE queue_memberships;
        ALTER TABLE queue_memberships_v25 RENAME TO queue_memberships;
        CREATE INDEX queue_memberships_user ON queue_memberships(user_id, room_id);

        CREATE TABLE queue_facts_v25 (
            seq INTEGER PRIMARY KEY,
            room_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            action TEXT NOT NULL
                CHECK (action = 'enter_waiting' OR action = 'leave_waiting' OR action = 'enter_game' OR action = 'leave_game'),
            actor TEXT NOT NULL,
            reason TEXT,
            at INTEGER NOT NULL,
            membership INTEGER NOT NULL
        );
        INSERT INTO queue_facts_v25 (seq, room_id, user_id, action, actor, reason, at, membership)
            SELECT seq, room_id, user_id, action, actor, reason, at, membership FROM queue_facts ORDER BY seq;
        DROP TABLE queue_facts;
        ALTER TABLE queue_facts_v25 RENAME TO queue_facts;
        CREATE INDEX queue_facts_room ON queue_facts(room_id, seq);

        CREATE TABLE goods_v25 (
            id INTEGER PRIMARY KEY,
            streamer_id TEXT NOT NULL,
            body TEXT NOT NULL,
            for_viewer TEXT,
            offer_expires_at INTEGER,
            state TEXT NOT NULL
                CHECK (state = 'draft' OR state = 'in_review' OR state = 'listed' OR state = 'rejected' OR state = 'delisted'),
            score INTEGER NOT NULL,
            matched TEXT NOT NULL,
            reason TEXT,
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        INSERT INTO goods_v25 (id, streamer_id, body, for_viewer, offer_expires_at, state, score, matched, reason, version,
            created_at, updated_at)
            SELECT id, streamer_id, body, for_viewer, offer_expires_at, state, score, matched, reason, version, created_at, updated_at
            FROM goods ORDER BY id;
        DROP TABLE goods;
        ALTER TABLE goods_v25 RENAME TO goods;
        CREATE INDEX goods_streamer ON goods(streamer_id, state, id);
        CREATE INDEX goods_state ON goods(state, id);
        CREATE INDEX goods_offers ON goods(for_viewer, state) WHERE for_viewer IS NOT NULL;

        CREATE TABLE settlement_months_v25 (
            month TEXT PRIMARY KEY,
            state TEXT NOT NULL
                CHECK (state = 'open' OR state = 'calculating' OR state = 'pending_review' OR state = 'confirmed' OR state = 'paid'),
            policy_generation TEXT,
            inputs_hash TEXT,
            updated_by TEXT,
            updated_at INTEGER NOT NULL
        );
        INSERT INTO settlement_months_v25 (rowid, month, state, policy_generation, inputs_hash, updated_by, updated_at)
            SELECT rowid, month, state, policy_generation, inputs_hash, updated_by, updated_at FROM settlement_months ORDER BY rowid;
        DROP TABLE settlement_months;
        ALTER TABLE settlement_months_v25 RENAME TO settlement_months;

        CREATE TABLE settlement_withdrawals_v25 (
            id INTEGER PRIMARY KEY,
            streamer_id TEXT NOT NULL,
            month TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            transfer_id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state = 'pending' OR state = 'imported' OR state = 'expired'),
            requested_at INTEGER NOT NULL,
            imported_at INTEGER,
            reason TEXT
        );
        INSERT INTO settlement_withdrawals_v25 (id, streamer_id, month, amount, transfer_id, state, requested_at, imported_at, reason)
            SELECT id, streamer_id, month, amount, transfer_id, state, requested_at, imported_at, reason
            FROM settlement_withdrawals ORDER BY id;
        DROP TABLE settlement_withdrawals;
        ALTER TABLE settlement_withdrawals_v25 RENAME TO settlement_withdrawals;
        CREATE INDEX settlement_withdrawals_month ON settlement_withdrawals(month, state);
        CREATE INDEX settlement_withdrawals_state ON settlement_withdrawals(state, month, id);
        """
}
