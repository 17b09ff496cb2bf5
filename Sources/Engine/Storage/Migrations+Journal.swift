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
}
