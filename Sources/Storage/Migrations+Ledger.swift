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
}
