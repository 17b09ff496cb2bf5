import Engine

extension Migrations {
    /// Guilds and their contracts, the earnings consumer's daily aggregates, and the monthly
    /// close: months, statements, adjustments and withdrawals.
    static let v12Settlement = """
        CREATE TABLE guilds (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            share_bp INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE guild_contracts (
            id INTEGER PRIMARY KEY,
            guild_id TEXT NOT NULL REFERENCES guilds(id),
            streamer_id TEXT NOT NULL,
            starts_on TEXT NOT NULL,
            ends_on TEXT,
            exclusive INTEGER NOT NULL,
            base_salary INTEGER NOT NULL,
            share_bp INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            CHECK (ends_on IS NULL OR ends_on > starts_on)
        );
        CREATE INDEX guild_contracts_streamer ON guild_contracts(streamer_id, starts_on);
        CREATE INDEX guild_contracts_guild ON guild_contracts(guild_id, starts_on);
        CREATE TABLE earnings_daily (
            owner_kind TEXT NOT NULL CHECK (owner_kind IN ('streamer', 'guild', 'pool')),
            owner_id TEXT NOT NULL,
            day TEXT NOT NULL,
            source TEXT NOT NULL,
            amount INTEGER NOT NULL,
            facts INTEGER NOT NULL,
            PRIMARY KEY (owner_kind, owner_id, day, source)
        ) WITHOUT ROWID;
        CREATE INDEX earnings_daily_day ON earnings_daily(day);
        CREATE TABLE settlement_months (
            month TEXT PRIMARY KEY,
            state TEXT NOT NULL CHECK (state IN ('open', 'calculating', 'pending_review', 'confirmed', 'paid')),
            policy_generation TEXT,
            inputs_hash TEXT,
            updated_by TEXT,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE settlement_statements (
            month TEXT NOT NULL,
            owner_kind TEXT NOT NULL CHECK (owner_kind IN ('streamer', 'guild')),
            owner_id TEXT NOT NULL,
            guild_id TEXT,
            inputs TEXT NOT NULL,
            result TEXT NOT NULL,
            total INTEGER NOT NULL,
            inputs_hash TEXT NOT NULL,
            policy_generation TEXT NOT NULL,
            PRIMARY KEY (month, owner_kind, owner_id)
        ) WITHOUT ROWID;
        CREATE TABLE settlement_adjustments (
            id INTEGER PRIMARY KEY,
            month TEXT NOT NULL,
            owner_kind TEXT NOT NULL CHECK (owner_kind IN ('streamer', 'guild')),
            owner_id TEXT NOT NULL,
            amount INTEGER NOT NULL,
            reason TEXT NOT NULL,
            created_by TEXT NOT NULL,
            refers_to_month TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX settlement_adjustments_month ON settlement_adjustments(month, owner_kind, owner_id);
        CREATE TABLE settlement_withdrawals (
            id INTEGER PRIMARY KEY,
            streamer_id TEXT NOT NULL,
            month TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            transfer_id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state IN ('pending', 'imported')),
            requested_at INTEGER NOT NULL,
            imported_at INTEGER
        );
        CREATE INDEX settlement_withdrawals_month ON settlement_withdrawals(month, state);
        """

    /// Withdrawals gain the state `expired` (the ledger released the hold before the import)
    /// and its `reason`; the sweep finds pending ones by state and month. SQLite cannot change a
    /// CHECK in place, so the table is copied.
    static let v13SettlementWithdrawalExpiry = """
        CREATE TABLE settlement_withdrawals_v13 (
            id INTEGER PRIMARY KEY,
            streamer_id TEXT NOT NULL,
            month TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            transfer_id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state IN ('pending', 'imported', 'expired')),
            requested_at INTEGER NOT NULL,
            imported_at INTEGER,
            reason TEXT
        );
        INSERT INTO settlement_withdrawals_v13 (id, streamer_id, month, amount, transfer_id, state, requested_at, imported_at)
            SELECT id, streamer_id, month, amount, transfer_id, state, requested_at, imported_at FROM settlement_withdrawals;
        DROP TABLE settlement_withdrawals;
        ALTER TABLE settlement_withdrawals_v13 RENAME TO settlement_withdrawals;
        CREATE INDEX settlement_withdrawals_month ON settlement_withdrawals(month, state);
        CREATE INDEX settlement_withdrawals_state ON settlement_withdrawals(state, month, id);
        """

    /// The earnings aggregates keyed by day first: the consumer reads the journal in time order,
    /// so a batch's rows are neighbours in one day's part of the table and a commit writes a
    /// few pages per day, not one page per streamer. A streamer's month is read day by day
    /// (one seek per day).
    static let v14EarningsByDay = """
        CREATE TABLE earnings_daily_by_day (
            owner_kind TEXT NOT NULL CHECK (owner_kind IN ('streamer', 'guild', 'pool')),
            owner_id TEXT NOT NULL,
            day TEXT NOT NULL,
            source TEXT NOT NULL,
            amount INTEGER NOT NULL,
            facts INTEGER NOT NULL,
            PRIMARY KEY (day, owner_kind, owner_id, source)
        ) WITHOUT ROWID;
        INSERT INTO earnings_daily_by_day (owner_kind, owner_id, day, source, amount, facts)
            SELECT owner_kind, owner_id, day, source, amount, facts FROM earnings_daily;
        DROP TABLE earnings_daily;
        ALTER TABLE earnings_daily_by_day RENAME TO earnings_daily;
        """
}
