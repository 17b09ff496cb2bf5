import Engine

extension Migrations {
    /// Packed facts: one journal row may hold many facts of one type (`journal.facts` is their
    /// number; NULL for a row of one fact), which consumers read as the separate facts it holds.
    /// A consumer's cursor, failures and parked events name a fact inside a row by its index
    /// (`fact_index`; a cursor's NULL means the whole row is done).
    static let v16PackedFacts = """
        ALTER TABLE journal ADD COLUMN facts INTEGER CHECK (facts IS NULL OR facts >= 1);
        ALTER TABLE consumer_cursors ADD COLUMN fact_index INTEGER CHECK (fact_index IS NULL OR fact_index >= 0);
        CREATE TABLE consumer_failures_v16 (
            consumer TEXT NOT NULL,
            offset INTEGER NOT NULL,
            fact_index INTEGER NOT NULL DEFAULT 0 CHECK (fact_index >= 0),
            attempts INTEGER NOT NULL,
            last_error TEXT NOT NULL,
            PRIMARY KEY (consumer, offset, fact_index)
        );
        INSERT INTO consumer_failures_v16 (consumer, offset, fact_index, attempts, last_error)
            SELECT consumer, offset, 0, attempts, last_error FROM consumer_failures;
        DROP TABLE consumer_failures;
        ALTER TABLE consumer_failures_v16 RENAME TO consumer_failures;
        ALTER TABLE parked_events ADD COLUMN fact_index INTEGER NOT NULL DEFAULT 0 CHECK (fact_index >= 0);
        """

    /// The journal without `AUTOINCREMENT`: a row's offset is one past the largest, as before,
    /// because no journal row is ever deleted (only a what-if replay cuts its own copy). Each
    /// append no longer reads and rewrites the `sqlite_sequence` row, nor dirties its page in
    /// every commit. Rows, offsets and indexes are kept as they were.
    static let v17JournalWithoutAutoincrement = """
        CREATE TABLE journal_v17 (
            offset INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT UNIQUE,
            payer TEXT,
            payee TEXT,
            facts INTEGER CHECK (facts IS NULL OR facts >= 1)
        );
        INSERT INTO journal_v17 (offset, type, payload, created_at, idempotency_key, payer, payee, facts)
            SELECT offset, type, payload, created_at, idempotency_key, payer, payee, facts FROM journal ORDER BY offset;
        DROP TABLE journal;
        ALTER TABLE journal_v17 RENAME TO journal;
        DELETE FROM sqlite_sequence WHERE name IN ('journal', 'journal_v17');
        CREATE INDEX journal_type_offset ON journal(type, offset);
        CREATE INDEX journal_payer ON journal(payer, offset) WHERE payer IS NOT NULL;
        CREATE INDEX journal_payee ON journal(payee, offset) WHERE payee IS NOT NULL;
        CREATE INDEX journal_danmaku_room ON journal(json_extract(payload, '$.room'), offset)
            WHERE type = 'danmaku';
        """

    /// Each account's gift rows move from two journal indexes to a projection,
    /// `account_history`, written by the `account-history` consumer off the send path
    /// (`AccountHistoryConsumer`). The per-payer and per-payee indexes made every gift dirty two
    /// index pages of its own (one per payer, one per payee) in every group commit; the
    /// projection writes them once per consumer batch. History reads take the projection up to
    /// the consumer's cursor and the journal's rows after it. Existing rows are projected here,
    /// and the consumer starts after them.
    static let v18AccountHistory = """
        CREATE TABLE account_history (
            account TEXT NOT NULL,
            offset INTEGER NOT NULL,
            PRIMARY KEY (account, offset)
        ) WITHOUT ROWID;
        INSERT INTO account_history (account, offset)
            SELECT payer, offset FROM journal WHERE payer IS NOT NULL
            UNION SELECT payee, offset FROM journal WHERE payee IS NOT NULL;
        INSERT INTO consumer_cursors (name, offset, fact_index)
            SELECT 'account-history', COALESCE(MAX(offset), 0), NULL FROM journal WHERE true
            ON CONFLICT (name) DO UPDATE SET offset = excluded.offset, fact_index = NULL;
        DROP INDEX journal_payer;
        DROP INDEX journal_payee;
        """

    /// A gift's idempotency key leaves the journal's unique index (`GiftKeyIndex`). A gift row
    /// holds its key in `gift_key`, which no index covers; `gift_keys` maps a key to its row,
    /// and holds every gift row's key up to `gift_keys_indexed.through`, and every refused
    /// send's key (offset 0: the refusal is its `gift_sends` row). The writer keeps the keys
    /// after the mark in memory and writes them here many at a time, in key order. Existing gift
    /// keys (in `idempotency_key`, where they stay) and refusals are indexed here now, in key
    /// order (read from the journal's unique index on the key, so the copy appends).
    static let v19GiftKeys = """
        ALTER TABLE journal ADD COLUMN gift_key TEXT;
        CREATE TABLE gift_keys (
            key TEXT PRIMARY KEY,
            offset INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE gift_keys_indexed (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            through INTEGER NOT NULL CHECK (through >= 0)
        );
        INSERT INTO gift_keys (key, offset)
            SELECT idempotency_key, offset FROM journal WHERE type = 'gift' AND idempotency_key IS NOT NULL
            ORDER BY idempotency_key;
        INSERT INTO gift_keys (key, offset)
            SELECT 'gift:' || sender_id || ':' || idempotency_key, 0 FROM gift_sends WHERE status = 'failed'
            ON CONFLICT (key) DO NOTHING;
        INSERT INTO gift_keys_indexed (one, through) SELECT 1, COALESCE(MAX(offset), 0) FROM journal;
        """

    /// Each account's history in pages: one row per account and consumer batch, holding the
    /// journal offsets of that account's gifts in the batch (`offsets`, ascending, comma
    /// separated, between `first` and `last`). A row per gift and account cost the writer a
    /// b-tree insert each, about 2 µs, in batches whose sends all waited for them; a page costs
    /// one insert for all of an account's gifts in the batch. An account's pages never overlap:
    /// each batch covers a journal range after the last one's. Existing rows are packed by
    /// ranges of 4,096 offsets.
    static let v20AccountHistoryPages = """
        CREATE TABLE account_history_pages (
            account TEXT NOT NULL,
            last INTEGER NOT NULL,
            first INTEGER NOT NULL CHECK (first <= last),
            offsets TEXT NOT NULL,
            PRIMARY KEY (account, last)
        ) WITHOUT ROWID;
        INSERT INTO account_history_pages (account, last, first, offsets)
            SELECT account, MAX(offset), MIN(offset), group_concat(offset, ',')
            FROM (SELECT account, offset FROM account_history ORDER BY account, offset)
            GROUP BY account, offset / 4096;
        DROP TABLE account_history;
        """

    /// Integer account keys. An account's number (`ledger_accounts.num`, its rowid made an
    /// `INTEGER PRIMARY KEY`, so no `VACUUM` renumbers it) is what the journal's `payer` and
    /// `payee` and the history pages' `account` hold, in place of the account's text key: a
    /// gift row and a page carry one or two bytes for each account, not its name, and the
    /// writer updates a balance by its number. Numbers are the rows' rowids as they were, so
    /// nothing the writer holds changes. A gift row whose payer or payee names no account would
    /// lose that name, so the migration refuses to run (the failed check names the count).
    static let v21IntegerAccountKeys = """
        CREATE TEMP TABLE v21_check (journal_parties_without_account INTEGER CHECK (journal_parties_without_account = 0));
        INSERT INTO v21_check SELECT COUNT(*) FROM journal j
            WHERE (j.payer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = j.payer))
               OR (j.payee IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = j.payee));
        INSERT INTO v21_check SELECT COUNT(*) FROM account_history_pages p
            WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = p.account);
        DROP TABLE v21_check;

        CREATE TABLE ledger_accounts_v21 (
            num INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            asset TEXT NOT NULL,
            owner_kind TEXT NOT NULL CHECK (owner_kind IN ('user', 'guild', 'system')),
            owner TEXT NOT NULL,
            balance INTEGER NOT NULL DEFAULT 0,
            pending_debits INTEGER NOT NULL DEFAULT 0 CHECK (pending_debits >= 0),
            created_at INTEGER NOT NULL,
            CHECK (owner_kind = 'system' OR balance - pending_debits >= 0)
        );
        INSERT INTO ledger_accounts_v21 (num, id, asset, owner_kind, owner, balance, pending_debits, created_at)
            SELECT rowid, id, asset, owner_kind, owner, balance, pending_debits, created_at FROM ledger_accounts ORDER BY rowid;

        CREATE TABLE journal_v21 (
            offset INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT UNIQUE,
            payer INTEGER,
            payee INTEGER,
            facts INTEGER CHECK (facts IS NULL OR facts >= 1),
            gift_key TEXT
        );
        INSERT INTO journal_v21 (offset, type, payload, created_at, idempotency_key, payer, payee, facts, gift_key)
            SELECT j.offset, j.type, j.payload, j.created_at, j.idempotency_key,
                (SELECT a.num FROM ledger_accounts_v21 a WHERE a.id = j.payer),
                (SELECT a.num FROM ledger_accounts_v21 a WHERE a.id = j.payee),
                j.facts, j.gift_key
            FROM journal j ORDER BY j.offset;

        CREATE TABLE account_history_pages_v21 (
            account INTEGER NOT NULL,
            last INTEGER NOT NULL,
            first INTEGER NOT NULL CHECK (first <= last),
            offsets TEXT NOT NULL,
            PRIMARY KEY (account, last)
        ) WITHOUT ROWID;
        INSERT INTO account_history_pages_v21 (account, last, first, offsets)
            SELECT a.num, p.last, p.first, p.offsets FROM account_history_pages p JOIN ledger_accounts_v21 a ON a.id = p.account
            ORDER BY a.num, p.last;

        DROP TABLE account_history_pages;
        ALTER TABLE account_history_pages_v21 RENAME TO account_history_pages;
        DROP TABLE journal;
        ALTER TABLE journal_v21 RENAME TO journal;
        CREATE INDEX journal_type_offset ON journal(type, offset);
        CREATE INDEX journal_danmaku_room ON journal(json_extract(payload, '$.room'), offset)
            WHERE type = 'danmaku';
        DROP TABLE ledger_accounts;
        ALTER TABLE ledger_accounts_v21 RENAME TO ledger_accounts;
        CREATE INDEX ledger_accounts_owner ON ledger_accounts(owner_kind, owner);
        """

    /// The journal's two indexes leave gift rows out. A gift row has no idempotency key (its
    /// send's key is in `gift_key`, indexed by `gift_keys`), yet the column's `UNIQUE`
    /// constraint gave every gift row an entry (a NULL key) in its index; and no reader finds
    /// gift rows through `journal_type_offset`: every reader of gifts reads the journal in
    /// offset order, and gifts are most of its rows. So each gift row wrote two index entries,
    /// and dirtied two index pages a commit, that no query used. The key's index is now partial
    /// (`WHERE idempotency_key IS NOT NULL`: every lookup is `idempotency_key = ?`, which
    /// implies it), and the type index holds every type but `gift`; a query that reads rows by
    /// type names `type != 'gift'` when it asks for no gifts, so SQLite uses the index
    /// (`Journal.typeFilter`). The table is rebuilt (a `UNIQUE` constraint's index cannot be
    /// dropped) with the same rows and offsets.
    static let v22JournalIndexesWithoutGifts = """
        CREATE TABLE journal_v22 (
            offset INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT,
            payer INTEGER,
            payee INTEGER,
            facts INTEGER CHECK (facts IS NULL OR facts >= 1),
            gift_key TEXT
        );
        INSERT INTO journal_v22 (offset, type, payload, created_at, idempotency_key, payer, payee, facts, gift_key)
            SELECT offset, type, payload, created_at, idempotency_key, payer, payee, facts, gift_key FROM journal ORDER BY offset;
        DROP TABLE journal;
        ALTER TABLE journal_v22 RENAME TO journal;
        CREATE UNIQUE INDEX journal_idempotency_key ON journal(idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX journal_type_offset ON journal(type, offset) WHERE type != 'gift';
        CREATE INDEX journal_danmaku_room ON journal(json_extract(payload, '$.room'), offset)
            WHERE type = 'danmaku';
        """
}
