import Engine

extension Migrations {
    /// Vanity room numbers (`RoomNumbers`): one row per number ever assigned or listed. A
    /// number is held while `room_id` is set (one number per room: the unique index); a released
    /// number keeps `released_at` for its cool-down; a listed one has `price_coins`. Purchases
    /// are remembered per buyer and key, with their outcome, for idempotent retries.
    static let v7RoomNumbers = """
        CREATE TABLE room_numbers (
            number TEXT PRIMARY KEY,
            room_id TEXT,
            assigned_at INTEGER,
            released_at INTEGER,
            price_coins INTEGER CHECK (price_coins IS NULL OR price_coins > 0),
            listed_at INTEGER
        );
        CREATE UNIQUE INDEX room_numbers_room ON room_numbers(room_id) WHERE room_id IS NOT NULL;
        CREATE TABLE room_number_purchases (
            buyer_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            body_hash TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
            outcome TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (buyer_id, idempotency_key)
        );
        """
}
