import Engine
import GRDB

/// The database schema as named, append-only SQL migrations.
///
/// Never edit or reorder a migration once it has shipped: add a new one at the end. The SQL
/// names tables and columns only, never Swift types, so renaming code never changes the schema.
public enum Migrations {
    /// Every migration, in the order it is applied.
    public static let all: [(name: String, sql: String)] = [
        ("v1_journal", v1Journal),
        ("v1_consumers", v1Consumers),
        ("v1_rooms", v1Rooms),
        ("v2_script_generations", v2ScriptGenerations),
        ("v2_gifts", v2Gifts),
        ("v2_ledger", v2Ledger),
        ("v3_gift_sends", v3GiftSends),
        ("v3_moderation", v3Moderation),
        ("v4_live_operations", v4LiveOperations),
        ("v5_ledger_partial_unique", v5LedgerPartialUnique),
        ("v5_follows", v5Follows),
        ("v6_gift_legs", v6GiftLegs),
        ("v7_privileges", v7Privileges),
        ("v7_room_numbers", v7RoomNumbers),
        ("v7_partners", v7Partners),
        ("v8_play_together", v8PlayTogether),
        ("v9_notifications", v9Notifications),
        ("v10_goods", v10Goods),
        ("v11_orders", v11Orders),
        ("v12_settlement", v12Settlement),
        ("v13_settlement_withdrawal_expiry", v13SettlementWithdrawalExpiry),
        ("v14_earnings_by_day", v14EarningsByDay),
        ("v15_partner_streamer_share", v15PartnerStreamerShare),
        ("v16_packed_facts", v16PackedFacts),
        ("v17_journal_without_autoincrement", v17JournalWithoutAutoincrement),
        ("v18_account_history", v18AccountHistory),
        ("v19_gift_keys", v19GiftKeys),
        ("v20_account_history_pages", v20AccountHistoryPages),
        ("v21_integer_account_keys", v21IntegerAccountKeys),
        ("v22_journal_indexes_without_gifts", v22JournalIndexesWithoutGifts),
        ("v23_transfers_by_account_number", v23TransfersByAccountNumber),
        ("v24_checks_without_in_lists", v24ChecksWithoutInLists),
        ("v25_checks_without_in_lists", v25ChecksWithoutInLists),
    ]

    /// A migrator that applies `all`.
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }

    static let v1Journal = """
        CREATE TABLE journal (
            offset INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT UNIQUE
        );
        CREATE INDEX journal_type_offset ON journal(type, offset);
        """

    static let v1Consumers = """
        CREATE TABLE consumer_cursors (
            name TEXT PRIMARY KEY,
            offset INTEGER NOT NULL
        );
        CREATE TABLE consumer_failures (
            consumer TEXT NOT NULL,
            offset INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            last_error TEXT NOT NULL,
            PRIMARY KEY (consumer, offset)
        );
        CREATE TABLE parked_events (
            id INTEGER PRIMARY KEY,
            consumer TEXT NOT NULL,
            offset INTEGER NOT NULL,
            type TEXT NOT NULL,
            error TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            parked_at INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'resolved')),
            resolved_at INTEGER
        );
        CREATE INDEX parked_events_status ON parked_events(status, id);
        """

    static let v1Rooms = """
        CREATE TABLE rooms (
            id TEXT PRIMARY KEY,
            streamer_id TEXT NOT NULL,
            title TEXT NOT NULL,
            category TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX rooms_created ON rooms(created_at, id);
        CREATE TABLE profiles (
            user_id TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL
        );
        """

    static let v2ScriptGenerations = """
        CREATE TABLE script_generations (
            hash TEXT PRIMARY KEY,
            saved_at INTEGER NOT NULL,
            file_count INTEGER NOT NULL,
            files TEXT NOT NULL
        );
        CREATE INDEX script_generations_saved ON script_generations(saved_at);
        """

    static let v2Gifts = """
        CREATE TABLE gifts (
            id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE gift_versions (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (id, version)
        );
        """

    static let v3GiftSends = """
        CREATE TABLE gift_sends (
            sender_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            body_hash TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
            outcome TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (sender_id, idempotency_key)
        );
        CREATE TABLE gift_combos (
            sender_id TEXT NOT NULL,
            room_id TEXT NOT NULL,
            gift_id TEXT NOT NULL,
            combo INTEGER NOT NULL,
            last_at INTEGER NOT NULL,
            PRIMARY KEY (sender_id, room_id, gift_id)
        );
        CREATE TABLE gift_refunds (
            gift_offset INTEGER PRIMARY KEY,
            reason TEXT NOT NULL,
            by_user TEXT NOT NULL,
            outcome TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        """

    static let v3Moderation = """
        CREATE TABLE room_mutes (
            room_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            until_ms INTEGER NOT NULL,
            muted_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (room_id, user_id)
        );
        CREATE TABLE moderation_words (
            id INTEGER PRIMARY KEY,
            word TEXT NOT NULL,
            category TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('block', 'mask', 'score')),
            score INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX journal_danmaku_room ON journal(json_extract(payload, '$.room'), offset)
            WHERE type = 'danmaku';
        """
}
