import Books
import Engine
import GRDB

extension ConsumerRunner {
    /// Longest error text kept in the failure and parking tables.
    static let errorTextBytesMax = 2000

    /// A later page of a wide batch failed under its savepoint: the consumer's memory of the
    /// earlier pages is gone (`batchRolledBack`), so the whole transaction is abandoned and the
    /// batch is run again one page wide, where failures are found entry by entry.
    struct WideBatchFailed: Error {}

    /// Applies one batch for `consumer` inside the caller's transaction and advances its
    /// cursor past the successes (and past entries parked here). Stops at the first failure.
    /// With `wide`, a consumer that `widensBatches` goes on reading pages while it is behind,
    /// within `checkpointInterval` and `wideBatchEntriesMax`.
    /// - Throws: `WideBatchFailed` when a later page of a wide batch failed (run it again
    ///   narrow); a `FatalConsumerError`; storage errors.
    func process(_ consumer: any JournalConsumer, in db: Database, wide: Bool = true) throws -> DrainReport {
        let tx = transaction(db)
        let start = try Self.position(of: consumer.name, in: db)
        // The end of the journal before this batch: facts the batch itself appends (a task's own
        // `task_completed`) come after it, so the cursor never skips them. Only durable rows
        // (`readableEnd`).
        let latest = try readableEnd(db)
        let failing = try Set(Row.fetchAll(
            db.cachedStatement(sql: "SELECT offset, fact_index FROM consumer_failures WHERE consumer = ?"), arguments: [consumer.name]
        ).map { FactKey(offset: $0[0], index: $0[1]) })
        let widens = wide && consumer.widensBatches && consumer.replaysBatchOnFailure && failing.isEmpty
        let began = ContinuousClock.now
        var report = DrainReport()
        var position = start
        var blocked = false
        var read = 0
        var full: Bool
        repeat {
            // Pages end at row boundaries: a packed row comes whole (after its facts done).
            let (entries, rows) = try Journal.read(db, after: position, limit: batchSize, types: consumer.types, through: latest)
            if read > 0 {
                // A later page of a wide batch: all of it, or the whole transaction again narrow.
                guard let last = entries.last else {
                    full = false
                    break
                }
                guard try applyAll(consumer, entries, in: tx) else { throw WideBatchFailed() }
                report.applied += entries.count
                position = last.position
            } else if consumer.replaysBatchOnFailure, failing.isEmpty, let last = entries.last, try applyAll(consumer, entries, in: tx) {
                // The common case: nothing failing, so the whole batch goes under one savepoint.
                // Only when an entry fails is the batch rolled back and applied entry by entry.
                report.applied = entries.count
                position = last.position
            } else {
                try applyEachEntry(consumer, entries, failing: failing, report: &report, position: &position, blocked: &blocked, in: tx)
                full = rows == batchSize
                break
            }
            read += entries.count
            full = rows == batchSize
        } while widens && full && read + batchSize <= wideBatchEntriesMax && ContinuousClock.now - began < checkpointInterval
        // A short, unblocked batch read everything there was: skip the entries of other types too.
        if !blocked && !full {
            position = max(position, JournalPosition(offset: latest))
        } else {
            report.caughtUp = false
        }
        try consumer.finishBatch(in: tx)
        // Facts this batch appended may concern any consumer (activities read the tasks'
        // `task_completed`): another pass is needed, so `drain` does not stop before them.
        if try Journal.latestOffset(db) > latest { report.caughtUp = false }
        if position != start { try Self.moveCursor(of: consumer.name, to: position, in: db) }
        return report
    }

    /// The last journal offset a batch may read: the journal's end, but no further than its
    /// durable end (`Store.durableJournalEnd`: with a pipelined store, rows are visible before
    /// their fsync, and a consumer that publishes a row must not publish one a power cut could
    /// take back).
    func readableEnd(_ db: Database) throws -> Int64 {
        min(try Journal.latestOffset(db), store.durableJournalEnd)
    }

    /// Writes the consumer's cursor.
    /// The transaction consumers see over `db`: the runner's ledger, when it has one.
    func transaction(_ db: Database) -> SQLiteTransaction {
        ledger.map { SQLiteTransaction(db: db, ledger: $0) } ?? SQLiteTransaction(noLedger: db)
    }

    static func moveCursor(of name: String, to position: JournalPosition, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO consumer_cursors (name, offset, fact_index) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET offset = excluded.offset, fact_index = excluded.fact_index
                """
        ).runRaw(.text(name), .int(position.offset),
            position.index == JournalPosition.wholeRow ? .null : .int(Int64(position.index)))
    }

    /// Applies every entry under one savepoint.
    /// - Returns: true when all succeeded; false when one failed, after rolling the savepoint
    ///   back and telling the consumer (`batchRolledBack`).
    /// - Throws: a `FatalConsumerError` or a storage error.
    private func applyAll(_ consumer: any JournalConsumer, _ entries: [JournalEntry], in tx: SQLiteTransaction) throws -> Bool {
        struct EntryFailed: Error {}
        do {
            try tx.savepoint {
                for entry in entries {
                    do {
                        try consumer.apply(entry, in: tx)
                    } catch let error where error is any FatalConsumerError {
                        throw error
                    } catch {
                        throw EntryFailed()
                    }
                }
            }
        } catch is EntryFailed {
            consumer.batchRolledBack()
            return false
        }
        return true
    }

    /// Applies entries one by one, each in its own savepoint, until one fails: counts the
    /// failure (stopping there) or parks the entry after `maxAttempts` (going on).
    private func applyEachEntry(
        _ consumer: any JournalConsumer, _ entries: [JournalEntry], failing: Set<FactKey>, report: inout DrainReport,
        position: inout JournalPosition, blocked: inout Bool, in tx: SQLiteTransaction
    ) throws {
        let db = tx.db
        for entry in entries {
            do {
                if consumer.writesInApply {
                    try tx.savepoint { try consumer.apply(entry, in: tx) }
                } else {
                    try consumer.apply(entry, in: tx)
                }
                if failing.contains(entry.factKey) { try clearFailure(consumer.name, entry.factKey, in: db) }
                report.applied += 1
                position = entry.position
            } catch let error where error is any FatalConsumerError {
                throw error
            } catch {
                let attempts = try recordFailure(consumer.name, entry.factKey, error, in: db)
                guard attempts >= maxAttempts else {
                    logger.warning("journal consumer failed", metadata: [
                        "consumer": "\(consumer.name)", "fact": "\(entry.name)",
                        "attempts": "\(attempts)", "error": "\(error)",
                    ])
                    report.failed += 1
                    blocked = true
                    break
                }
                try park(consumer.name, entry, error, attempts: attempts, in: db)
                report.parked += 1
                position = entry.position
            }
        }
    }

    /// The consumer's cursor: the offset of the last row it has started on (0 for none).
    static func cursor(of name: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT offset FROM consumer_cursors WHERE name = ?"), arguments: [name]) ?? 0
    }

    /// The consumer's entries that failed and wait for a retry.
    static func failingCount(of name: String, in db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM consumer_failures WHERE consumer = ?"), arguments: [name]) ?? 0
    }

    /// Where the consumer stands: the last row it has started on, and how far into it.
    static func position(of name: String, in db: Database) throws -> JournalPosition {
        try db.cachedStatement(sql: "SELECT offset, fact_index FROM consumer_cursors WHERE name = ?").firstRowRaw(.text(name)) { row in
            JournalPosition(offset: rawInt(row, 0) ?? 0, index: rawInt(row, 1).map { Int($0) } ?? JournalPosition.wholeRow)
        } ?? .start
    }

    /// Counts a failed attempt and returns the attempts so far.
    private func recordFailure(_ name: String, _ fact: FactKey, _ error: any Error, in db: Database) throws -> Int {
        try db.execute(
            sql: """
                INSERT INTO consumer_failures (consumer, offset, fact_index, attempts, last_error) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (consumer, offset, fact_index) DO UPDATE SET
                    attempts = attempts + 1, last_error = excluded.last_error
                """,
            arguments: [name, fact.offset, fact.index, Self.text(of: error)])
        return try Int.fetchOne(
            db, sql: "SELECT attempts FROM consumer_failures WHERE consumer = ? AND offset = ? AND fact_index = ?",
            arguments: [name, fact.offset, fact.index]) ?? 1
    }

    private func clearFailure(_ name: String, _ fact: FactKey, in db: Database) throws {
        try db.execute(
            sql: "DELETE FROM consumer_failures WHERE consumer = ? AND offset = ? AND fact_index = ?",
            arguments: [name, fact.offset, fact.index])
    }

    /// Moves a failing entry to `parked_events`.
    private func park(_ name: String, _ entry: JournalEntry, _ error: any Error, attempts: Int, in db: Database) throws {
        try clearFailure(name, entry.factKey, in: db)
        try db.execute(
            sql: """
                INSERT INTO parked_events (consumer, offset, fact_index, type, error, attempts, parked_at, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'parked')
                """,
            arguments: [name, entry.offset, entry.index, entry.type, Self.text(of: error), attempts, clock.nowMillis()])
        logger.error("journal entry parked", metadata: [
            "consumer": "\(name)", "fact": "\(entry.name)", "type": "\(entry.type)",
            "attempts": "\(attempts)", "error": "\(error)",
        ])
    }

    static func text(of error: any Error) -> String {
        String(String(describing: error).utf8.prefix(errorTextBytesMax)) ?? "unprintable error"
    }
}
