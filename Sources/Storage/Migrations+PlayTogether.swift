import Engine

extension Migrations {
    /// Streamer queues: settings, live members, each membership's lifecycle, the append-only
    /// facts they are rebuilt from, and viewers' game accounts.
    static let v8PlayTogether = """
        CREATE TABLE live_sessions (
            id INTEGER PRIMARY KEY,
            room_id TEXT NOT NULL,
            streamer_id TEXT NOT NULL,
            game TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER
        );
        CREATE UNIQUE INDEX live_sessions_open ON live_sessions(room_id) WHERE ended_at IS NULL;
        CREATE INDEX live_sessions_streamer ON live_sessions(streamer_id, started_at);
        CREATE TABLE live_samples (
            session_id INTEGER NOT NULL,
            at INTEGER NOT NULL,
            viewers INTEGER NOT NULL CHECK (viewers >= 0),
            PRIMARY KEY (session_id, at)
        ) WITHOUT ROWID;
        CREATE TABLE queues (
            room_id TEXT PRIMARY KEY,
            streamer_id TEXT NOT NULL,
            open INTEGER NOT NULL,
            game TEXT NOT NULL,
            waiting_capacity INTEGER NOT NULL,
            game_capacity INTEGER NOT NULL,
            gate TEXT,
            version INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE queue_members (
            room_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            queue TEXT NOT NULL CHECK (queue IN ('waiting', 'game')),
            joined_at INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            membership INTEGER NOT NULL,
            PRIMARY KEY (room_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX queue_members_order ON queue_members(room_id, queue, joined_at, seq);
        CREATE TABLE queue_memberships (
            id INTEGER PRIMARY KEY,
            room_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('waiting', 'playing', 'left', 'removed', 'played')),
            joined_at INTEGER NOT NULL,
            game_at INTEGER,
            ended_at INTEGER,
            end_reason TEXT
        );
        CREATE INDEX queue_memberships_user ON queue_memberships(user_id, room_id);
        CREATE TABLE queue_facts (
            seq INTEGER PRIMARY KEY,
            room_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('enter_waiting', 'leave_waiting', 'enter_game', 'leave_game')),
            actor TEXT NOT NULL,
            reason TEXT,
            at INTEGER NOT NULL,
            membership INTEGER NOT NULL
        );
        CREATE INDEX queue_facts_room ON queue_facts(room_id, seq);
        CREATE TABLE game_accounts (
            user_id TEXT NOT NULL,
            game TEXT NOT NULL,
            account TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, game)
        ) WITHOUT ROWID;
        """
}

extension Migrations {
    /// Notifications: what `ctx.notify` asked for, per user, with read marks.
    static let v9Notifications = """
        CREATE TABLE notifications (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            text TEXT NOT NULL,
            origin TEXT NOT NULL,
            journal_offset INTEGER NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            read_at INTEGER
        );
        CREATE INDEX notifications_user ON notifications(user_id, id);
        CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
        """
}

extension Migrations {
    /// Streamers' goods (help me play) with their review state, and the review word list.
    static let v10Goods = """
        CREATE TABLE goods (
            id INTEGER PRIMARY KEY,
            streamer_id TEXT NOT NULL,
            body TEXT NOT NULL,
            for_viewer TEXT,
            offer_expires_at INTEGER,
            state TEXT NOT NULL CHECK (state IN ('in_review', 'listed', 'rejected', 'delisted')),
            score INTEGER NOT NULL,
            matched TEXT NOT NULL,
            reason TEXT,
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX goods_streamer ON goods(streamer_id, state, id);
        CREATE INDEX goods_state ON goods(state, id);
        CREATE INDEX goods_offers ON goods(for_viewer, state) WHERE for_viewer IS NOT NULL;
        CREATE TABLE goods_review (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            words TEXT NOT NULL,
            reject_threshold INTEGER NOT NULL,
            review_threshold INTEGER NOT NULL,
            updated_by TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        """
}
