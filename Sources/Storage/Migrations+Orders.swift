import Engine

extension Migrations {
    /// "Help me play" orders: the machine generations they run on, the orders (the state table,
    /// rebuildable from the `order_changed` facts), and the idempotency records of creations and
    /// actions. Goods gain the `draft` state (the table is rebuilt, as SQLite changes a CHECK).
    static let v11Orders = """
        CREATE TABLE goods_v11 (
            id INTEGER PRIMARY KEY,
            streamer_id TEXT NOT NULL,
            body TEXT NOT NULL,
            for_viewer TEXT,
            offer_expires_at INTEGER,
            state TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'listed', 'rejected', 'delisted')),
            score INTEGER NOT NULL,
            matched TEXT NOT NULL,
            reason TEXT,
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        INSERT INTO goods_v11 SELECT id, streamer_id, body, for_viewer, offer_expires_at, state, score, matched, reason, version,
            created_at, updated_at FROM goods;
        DROP TABLE goods;
        ALTER TABLE goods_v11 RENAME TO goods;
        CREATE INDEX goods_streamer ON goods(streamer_id, state, id);
        CREATE INDEX goods_state ON goods(state, id);
        CREATE INDEX goods_offers ON goods(for_viewer, state) WHERE for_viewer IS NOT NULL;
        CREATE TABLE order_machines (
            id TEXT NOT NULL,
            generation TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (id, generation)
        );
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            goods_id INTEGER NOT NULL,
            title TEXT NOT NULL,
            viewer_id TEXT NOT NULL,
            streamer_id TEXT NOT NULL,
            price_tickets INTEGER NOT NULL CHECK (price_tickets > 0),
            machine TEXT NOT NULL,
            generation TEXT NOT NULL,
            state TEXT NOT NULL,
            final INTEGER NOT NULL,
            settled TEXT CHECK (settled IN ('post', 'void')),
            version INTEGER NOT NULL,
            hold_id TEXT NOT NULL,
            hold_expires_at INTEGER NOT NULL,
            holds INTEGER NOT NULL,
            due_at INTEGER,
            due_action TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            entered_at INTEGER NOT NULL
        );
        CREATE INDEX orders_viewer ON orders(viewer_id, id);
        CREATE INDEX orders_streamer ON orders(streamer_id, id);
        CREATE INDEX orders_state ON orders(state, id);
        CREATE INDEX orders_due ON orders(due_at) WHERE due_at IS NOT NULL;
        CREATE INDEX orders_holds ON orders(hold_expires_at) WHERE final = 0;
        CREATE TABLE order_requests (
            viewer_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            request TEXT NOT NULL,
            outcome TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (viewer_id, idempotency_key)
        ) WITHOUT ROWID;
        CREATE TABLE order_actions (
            order_id INTEGER NOT NULL,
            actor_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            request TEXT NOT NULL,
            outcome TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (order_id, actor_id, idempotency_key)
        ) WITHOUT ROWID;
        """
}
