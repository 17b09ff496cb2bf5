import Engine
import GRDB

extension Database {
    /// Runs `body` inside a savepoint of the open transaction: released when `body` returns,
    /// rolled back (and released) when it throws, and the error rethrown.
    ///
    /// GRDB's `inSavepoint` does the same but prepares its `SAVEPOINT` and `RELEASE`
    /// statements anew every time; on the gift path, with a savepoint per group-commit
    /// operation, per send and per ledger chain, parsing them cost more than a ledger row. These
    /// three statements are prepared once per connection.
    /// - Precondition: a transaction is open (the group commit's, or a caller's).
    func withSavepoint<T>(_ body: () throws -> T) throws -> T {
        precondition(isInsideTransaction, "withSavepoint needs an open transaction")
        try cachedStatement(sql: "SAVEPOINT op").execute()
        let value: T
        do {
            value = try body()
        } catch {
            // The first error is the one worth reporting, as `inSavepoint` does.
            try? cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT op").execute()
            try? cachedStatement(sql: "RELEASE SAVEPOINT op").execute()
            throw error
        }
        try cachedStatement(sql: "RELEASE SAVEPOINT op").execute()
        return value
    }
}

extension Database {
    /// Runs `body` in one read transaction (`BEGIN DEFERRED`, a snapshot): committed when
    /// `body` returns, rolled back when it throws, and the error rethrown. GRDB's
    /// `DatabasePool.read` prepares its `BEGIN` and `COMMIT` anew every time; each journal
    /// consumer reads a snapshot per batch, thousands a second, so these statements are prepared
    /// once per reader connection. Only for readers: a write transaction keeps GRDB's
    /// `inTransaction`, which refuses further statements once SQLite has rolled it back by itself.
    /// - Precondition: no transaction is open.
    func inCachedReadTransaction<T>(_ body: () throws -> T) throws -> T {
        precondition(!isInsideTransaction, "inCachedReadTransaction inside a transaction")
        try cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
        let value: T
        do {
            value = try body()
            try cachedStatement(sql: "COMMIT TRANSACTION").execute()
        } catch {
            if isInsideTransaction { try? cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
            throw error
        }
        return value
    }
}
