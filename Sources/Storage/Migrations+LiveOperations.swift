import Engine

extension Migrations {
    /// Leaderboards, activity runs, tasks, inventory (badges and items), wheel spins and chests.
    static let v4LiveOperations = """
        CREATE TABLE leaderboard_periods (
            scope TEXT NOT NULL,
            board TEXT NOT NULL,
            period TEXT NOT NULL,
            ord TEXT NOT NULL,
            opened_at INTEGER NOT NULL,
            closed_at INTEGER,
            PRIMARY KEY (scope, board, period)
        ) WITHOUT ROWID;
        CREATE TABLE leaderboard_scores (
            scope TEXT NOT NULL,
            board TEXT NOT NULL,
            period TEXT NOT NULL,
            member TEXT NOT NULL,
            score INTEGER NOT NULL,
            reached_at INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (scope, board, period, member)
        ) WITHOUT ROWID;
        CREATE TABLE activity_runs (
            activity TEXT PRIMARY KEY,
            ended_at INTEGER NOT NULL,
            journal_offset INTEGER NOT NULL
        );
        CREATE TABLE task_progress (
            task TEXT NOT NULL,
            user_id TEXT NOT NULL,
            period TEXT NOT NULL,
            progress INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (task, user_id, period)
        ) WITHOUT ROWID;
        CREATE TABLE task_claims (
            task TEXT NOT NULL,
            user_id TEXT NOT NULL,
            period TEXT NOT NULL,
            stage INTEGER NOT NULL,
            claimed_at INTEGER NOT NULL,
            rewards TEXT NOT NULL,
            PRIMARY KEY (task, user_id, period, stage)
        ) WITHOUT ROWID;
        CREATE TABLE inventory_badges (
            user_id TEXT NOT NULL,
            badge TEXT NOT NULL,
            granted_at INTEGER NOT NULL,
            origin TEXT NOT NULL,
            PRIMARY KEY (user_id, badge)
        ) WITHOUT ROWID;
        CREATE TABLE inventory_items (
            user_id TEXT NOT NULL,
            item TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count >= 0),
            PRIMARY KEY (user_id, item)
        ) WITHOUT ROWID;
        CREATE TABLE inventory_grants (
            origin TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            amount INTEGER NOT NULL,
            granted_at INTEGER NOT NULL
        );
        CREATE TABLE chest_progress (
            activity TEXT NOT NULL,
            chest TEXT NOT NULL,
            owner TEXT NOT NULL,
            progress INTEGER NOT NULL,
            opened INTEGER NOT NULL,
            PRIMARY KEY (activity, chest, owner)
        ) WITHOUT ROWID;
        CREATE TABLE wheel_spins (
            user_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            body_hash TEXT NOT NULL,
            outcome TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, idempotency_key)
        ) WITHOUT ROWID;
        """

    /// Who follows which streamer: one row per pair, kept after an unfollow (`active = 0`) so
    /// a later follow knows it is not the first.
    static let v5Follows = """
        CREATE TABLE follows (
            viewer_id TEXT NOT NULL,
            streamer_id TEXT NOT NULL,
            active INTEGER NOT NULL,
            followed_at INTEGER NOT NULL,
            first_followed_at INTEGER NOT NULL,
            PRIMARY KEY (viewer_id, streamer_id)
        ) WITHOUT ROWID;
        CREATE INDEX follows_by_streamer ON follows (streamer_id, active);
        """
}
