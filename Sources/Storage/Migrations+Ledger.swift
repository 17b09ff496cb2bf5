import Engine

extension Migrations {
    /// The double-entry ledger: accounts with their balances, the immutable transfer history,
    /// open pending transfers, and idempotency keys whose chain failed.
    static let v2Ledger = """
        CREATE TABLE ledger_accounts (
            id TEXT PRIMARY KEY,
            asset TEXT NOT NULL,
            owner_kind TEXT NOT NULL CHECK (owner_kind IN ('user', 'guild', 'system')),
            owner TEXT NOT NULL,
            balance INTEGER NOT NULL DEFAULT 0,
            pending_debits INTEGER NOT NULL DEFAULT 0 CHECK (pending_debits >= 0),
            created_at INTEGER NOT NULL,
            CHECK (owner_kind = 'system' OR balance - pending_debits >= 0)
        );
        CREATE INDEX ledger_accounts_owner ON ledger_accounts(owner_kind, owner);
        CREATE TABLE ledger_transfers (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            debit_account TEXT NOT NULL,
            credit_account TEXT NOT NULL,
            asset TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            code TEXT NOT NULL,
            memo TEXT NOT NULL,
            ts INTEGER NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('posted', 'pending', 'post', 'void', 'expire')),
            pending_id TEXT UNIQUE,
            reverses TEXT UNIQUE,
            linked_batch TEXT,
            body_hash TEXT NOT NULL,
            expires_at INTEGER
        );
        CREATE INDEX ledger_transfers_debit ON ledger_transfers(debit_account, seq);
        CREATE INDEX ledger_transfers_credit ON ledger_transfers(credit_account, seq);
        CREATE TABLE ledger_pending_open (
            id TEXT PRIMARY KEY,
            debit_account TEXT NOT NULL,
            amount INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX ledger_pending_open_expiry ON ledger_pending_open(expires_at);
        CREATE INDEX ledger_pending_open_debit ON ledger_pending_open(debit_account, expires_at);
        CREATE TABLE ledger_failures (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            body_hash TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        """

    /// The history's `pending_id` and `reverses` stay unique, but only where set: as column
    /// constraints they indexed a NULL for every plain transfer (all but a few rows), two
    /// index writes per row that no query reads. SQLite cannot change a column constraint in
    /// place, so the table is copied (same rows, same `seq`, same AUTOINCREMENT counter).
    static let v5LedgerPartialUnique = """
        CREATE TABLE ledger_transfers_v5 (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            debit_account TEXT NOT NULL,
            credit_account TEXT NOT NULL,
            asset TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            code TEXT NOT NULL,
            memo TEXT NOT NULL,
            ts INTEGER NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('posted', 'pending', 'post', 'void', 'expire')),
            pending_id TEXT,
            reverses TEXT,
            linked_batch TEXT,
            body_hash TEXT NOT NULL,
            expires_at INTEGER
        );
        INSERT INTO ledger_transfers_v5 (seq, id, debit_account, credit_account, asset, amount, code, memo, ts, kind,
            pending_id, reverses, linked_batch, body_hash, expires_at)
        SELECT seq, id, debit_account, credit_account, asset, amount, code, memo, ts, kind,
            pending_id, reverses, linked_batch, body_hash, expires_at FROM ledger_transfers ORDER BY seq;
        DROP TABLE ledger_transfers;
        ALTER TABLE ledger_transfers_v5 RENAME TO ledger_transfers;
        CREATE UNIQUE INDEX ledger_transfers_pending ON ledger_transfers(pending_id) WHERE pending_id IS NOT NULL;
        CREATE UNIQUE INDEX ledger_transfers_reverses ON ledger_transfers(reverses) WHERE reverses IS NOT NULL;
        CREATE INDEX ledger_transfers_debit ON ledger_transfers(debit_account, seq);
        CREATE INDEX ledger_transfers_credit ON ledger_transfers(credit_account, seq);
        """

    /// A gift is one journal row that carries its legs (`GiftLegs`): the row names the account
    /// that paid and the one paid, indexed for per-account history. Both are NULL for every
    /// other fact, and the partial indexes skip those rows.
    static let v6GiftLegs = """
        ALTER TABLE journal ADD COLUMN payer TEXT;
        ALTER TABLE journal ADD COLUMN payee TEXT;
        CREATE INDEX journal_payer ON journal(payer, offset) WHERE payer IS NOT NULL;
        CREATE INDEX journal_payee ON journal(payee, offset) WHERE payee IS NOT NULL;
        """

    /// Transfer rows name their accounts by number (`ledger_accounts.num`), as the journal's
    /// gift rows have since v21: the two account indexes hold integers, not the accounts' text
    /// keys. `seq` loses `AUTOINCREMENT` (no row is ever deleted, so the largest `seq` plus one
    /// is what the counter gave, without its table's write on every insert) and `ts` its
    /// `UNIQUE` index (the ledger clock hands out strictly increasing times: the index checked
    /// them again on every insert). The same rows and `seq`s. An account a transfer names
    /// without a row (a pending transfer's credit, which only its post would have created) gets
    /// one with a zero balance, created at its first transfer's time; an account text that is
    /// not `kind:owner:asset` gets none, and fails the migration.
    static let v23TransfersByAccountNumber = """
        INSERT INTO ledger_accounts (id, asset, owner_kind, owner, balance, pending_debits, created_at)
            SELECT x.id, x.asset, x.kind, x.owner, 0, 0, x.created
            FROM (
                SELECT y.id, y.kind, substr(y.rest, 1, instr(y.rest, ':') - 1) AS owner, substr(y.rest, instr(y.rest, ':') + 1) AS asset,
                    y.created
                FROM (
                    SELECT n.account AS id, substr(n.account, 1, instr(n.account, ':') - 1) AS kind,
                        substr(n.account, instr(n.account, ':') + 1) AS rest, MIN(n.ts) / 1000 AS created
                    FROM (SELECT debit_account AS account, ts FROM ledger_transfers
                          UNION ALL SELECT credit_account, ts FROM ledger_transfers) n
                    WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = n.account)
                    GROUP BY n.account
                ) y
            ) x
            WHERE x.kind IN ('user', 'guild', 'system') AND x.owner != '' AND x.asset != '' AND instr(x.asset, ':') = 0;
        CREATE TEMP TABLE v23_check (transfer_accounts_without_row INTEGER CHECK (transfer_accounts_without_row = 0));
        INSERT INTO v23_check SELECT COUNT(*) FROM ledger_transfers t
            WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = t.debit_account)
               OR NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = t.credit_account);
        DROP TABLE v23_check;

        CREATE TABLE ledger_transfers_v23 (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            debit INTEGER NOT NULL,
            credit INTEGER NOT NULL,
            asset TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            code TEXT NOT NULL,
            memo TEXT NOT NULL,
            ts INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('posted', 'pending', 'post', 'void', 'expire')),
            pending_id TEXT,
            reverses TEXT,
            linked_batch TEXT,
            body_hash TEXT NOT NULL,
            expires_at INTEGER
        );
        INSERT INTO ledger_transfers_v23 (seq, id, debit, credit, asset, amount, code, memo, ts, kind,
            pending_id, reverses, linked_batch, body_hash, expires_at)
        SELECT t.seq, t.id,
            (SELECT a.num FROM ledger_accounts a WHERE a.id = t.debit_account),
            (SELECT a.num FROM ledger_accounts a WHERE a.id = t.credit_account),
            t.asset, t.amount, t.code, t.memo, t.ts, t.kind, t.pending_id, t.reverses, t.linked_batch, t.body_hash, t.expires_at
        FROM ledger_transfers t ORDER BY t.seq;
        DROP TABLE ledger_transfers;
        DELETE FROM sqlite_sequence WHERE name = 'ledger_transfers';
        ALTER TABLE ledger_transfers_v23 RENAME TO ledger_transfers;
        CREATE UNIQUE INDEX ledger_transfers_pending ON ledger_transfers(pending_id) WHERE pending_id IS NOT NULL;
        CREATE UNIQUE INDEX ledger_transfers_reverses ON ledger_transfers(reverses) WHERE reverses IS NOT NULL;
        CREATE INDEX ledger_transfers_debit ON ledger_transfers(debit, seq);
        CREATE INDEX ledger_transfers_credit ON ledger_transfers(credit, seq);
        """

    /// The CHECK constraints of the tables written on every ledger move and every earnings
    /// batch name their allowed values as comparisons joined by OR, not as an IN list: SQLite
    /// evaluates an IN list of three or more constants by building a temporary index of them,
    /// on every row inserted, before it even looks for a conflict. That doubled the cost of a
    /// deposit (an upsert) and was about two fifths of a transfer row's insert. The tables are rebuilt
    /// (a constraint cannot be altered in place), every row, number, `seq` and index kept.
    static let v24ChecksWithoutInLists = """
        CREATE TABLE ledger_accounts_v24 (
            num INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            asset TEXT NOT NULL,
            owner_kind TEXT NOT NULL CHECK (owner_kind = 'user' OR owner_kind = 'guild' OR owner_kind = 'system'),
            owner TEXT NOT NULL,
            balance INTEGER NOT NULL DEFAULT 0,
            pending_debits INTEGER NOT NULL DEFAULT 0 CHECK (pending_debits >= 0),
            created_at INTEGER NOT NULL,
            CHECK (owner_kind = 'system' OR balance - pending_debits >= 0)
        );
        INSERT INTO ledger_accounts_v24 (num, id, asset, owner_kind, owner, balance, pending_debits, created_at)
            SELECT num, id, asset, owner_kind, owner, balance, pending_debits, created_at FROM ledger_accounts ORDER BY num;
        DROP TABLE ledger_accounts;
        ALTER TABLE ledger_accounts_v24 RENAME TO ledger_accounts;
        CREATE INDEX ledger_accounts_owner ON ledger_accounts(owner_kind, owner);

        CREATE TABLE ledger_transfers_v24 (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            debit INTEGER NOT NULL,
            credit INTEGER NOT NULL,
            asset TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            code TEXT NOT NULL,
            memo TEXT NOT NULL,
            ts INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind = 'posted' OR kind = 'pending' OR kind = 'post' OR kind = 'void' OR kind = 'expire'),
            pending_id TEXT,
            reverses TEXT,
            linked_batch TEXT,
            body_hash TEXT NOT NULL,
            expires_at INTEGER
        );
        INSERT INTO ledger_transfers_v24 (seq, id, debit, credit, asset, amount, code, memo, ts, kind,
            pending_id, reverses, linked_batch, body_hash, expires_at)
        SELECT seq, id, debit, credit, asset, amount, code, memo, ts, kind, pending_id, reverses, linked_batch, body_hash, expires_at
        FROM ledger_transfers ORDER BY seq;
        DROP TABLE ledger_transfers;
        ALTER TABLE ledger_transfers_v24 RENAME TO ledger_transfers;
        CREATE UNIQUE INDEX ledger_transfers_pending ON ledger_transfers(pending_id) WHERE pending_id IS NOT NULL;
        CREATE UNIQUE INDEX ledger_transfers_reverses ON ledger_transfers(reverses) WHERE reverses IS NOT NULL;
        CREATE INDEX ledger_transfers_debit ON ledger_transfers(debit, seq);
        CREATE INDEX ledger_transfers_credit ON ledger_transfers(credit, seq);

        CREATE TABLE earnings_daily_v24 (
            owner_kind TEXT NOT NULL CHECK (owner_kind = 'streamer' OR owner_kind = 'guild' OR owner_kind = 'pool'),
            owner_id TEXT NOT NULL,
            day TEXT NOT NULL,
            source TEXT NOT NULL,
            amount INTEGER NOT NULL,
            facts INTEGER NOT NULL,
            PRIMARY KEY (day, owner_kind, owner_id, source)
        ) WITHOUT ROWID;
        INSERT INTO earnings_daily_v24 (owner_kind, owner_id, day, source, amount, facts)
            SELECT owner_kind, owner_id, day, source, amount, facts FROM earnings_daily ORDER BY day, owner_kind, owner_id, source;
        DROP TABLE earnings_daily;
        ALTER TABLE earnings_daily_v24 RENAME TO earnings_daily;
        """
}
