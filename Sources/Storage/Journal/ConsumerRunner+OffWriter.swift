import Books
import Engine
import GRDB

extension ConsumerRunner {
    /// What an off-writer pass read and prepared for one consumer.
    struct Prepared: Sendable {
        /// The cursor the pass started from; the commit checks it has not moved.
        let start: JournalPosition
        /// Where the cursor goes.
        let position: JournalPosition
        /// The end of the journal in the snapshot.
        let latest: Int64
        /// Entries prepared.
        let applied: Int
        /// Whether the last page was full (more may follow).
        let full: Bool
        let writes: DeferredWrites
    }

    /// The cursor moved between the snapshot and the commit (another runner, an operator).
    struct CursorMoved: Error {}

    /// A prepared write failed on the writer (a refused payment, say): the batch runs again on
    /// the writer, where the entry that caused it fails alone.
    struct PreparedWriteFailed: Error {
        let underlying: any Error
    }

    /// Off-writer batches of `consumer`, at most `batchesMax`, one after another, each prepared
    /// on the consumer's own core while the writer commits the one before, until the consumer
    /// has read to the end of the journal or a batch must run on the writer. In each batch,
    /// pages are read and handlers run on a read snapshot; the writer runs only the prepared
    /// writes, the consumer's sealed batch writes and the cursor, in one transaction.
    ///
    /// A batch is sealed (`OffWriterConsumer.seal`) before the next is prepared, and the next
    /// starts where it ends, so the commits go in order, each checking the cursor the one before
    /// moved. When a commit fails, memory goes back to the store's state, the later batch's
    /// changes with it, and nothing after it commits.
    /// - Returns: the committed batches' report, and whether the next batch must run on the
    ///   writer (an entry that needs it, failing entries, a refused write or a moved cursor;
    ///   memory already put back, so nothing of that attempt remains).
    /// - Throws: as the writer path would, with memory already put back: a `FatalConsumerError`
    ///   from the writes; a storage error of a commit.
    func pipeline(_ consumer: any OffWriterConsumer, batchesMax: Int, gated: Bool = false) async throws -> (report: DrainReport, handBack: Bool) {
        var total = DrainReport()
        var inflight: Task<DrainReport, any Error>?
        var from: JournalPosition?
        var batches = 0
        while true {
            let prepared = await prepareOrRollBack(consumer, from: from, gated: gated)
            if let inflight {
                do {
                    total.add(try await inflight.value)
                } catch {
                    try handBackOrRethrow(consumer, error)
                    return (total, true)
                }
            }
            guard let prepared else { return (total, true) }
            let sealed = consumer.seal()
            let committing = Task { [self] in try await store.write { [self] db in try onWriterTime(consumer) { try commit(consumer, prepared, sealed, in: db) } } }
            batches += 1
            guard prepared.full, batches < batchesMax else {
                // The last batch: the journal's end as the snapshot saw it, or the most asked for.
                do {
                    total.add(try await committing.value)
                    return (total, false)
                } catch {
                    try handBackOrRethrow(consumer, error)
                    return (total, true)
                }
            }
            inflight = committing
            from = prepared.position
        }
    }

    /// Prepares a batch after `from` (nil: the cursor) on a read snapshot; `gated`: once a slot
    /// of `prepareGate` is free.
    /// - Returns: nil when the batch must run on the writer, with this attempt's memory put back.
    private func prepareOrRollBack(_ consumer: any OffWriterConsumer, from: JournalPosition?, gated: Bool) async -> Prepared? {
        let read = { [self] in try await store.read { [self] db in try prepare(consumer, after: from, in: db) } }
        do {
            if let prepared = try await (gated ? prepareGate.run(consumer.pace, read) : read()) { return prepared }
        } catch {}
        consumer.batchRolledBack()
        return nil
    }

    /// After a sealed batch's commit failed: memory goes back to the store's state (a later
    /// batch's changes with it). A fatal error stops the pass, as on the writer path, and so
    /// does a storage error (the batch's COMMIT, a full disk); a refused write or a moved cursor
    /// returns, so the writer path runs the batch again, entry by entry when an entry fails.
    private func handBackOrRethrow(_ consumer: any OffWriterConsumer, _ error: any Error) throws {
        consumer.settled(committed: false)
        switch error {
        case let failed as PreparedWriteFailed:
            if failed.underlying is any FatalConsumerError { throw failed.underlying }
        case is CursorMoved:
            return
        default:
            throw error
        }
    }

    /// Reads pages after `from` (nil: the consumer's cursor) on the snapshot `db` and prepares
    /// each entry, as `process` does on the writer (wide batches while behind, within the
    /// checkpoint interval, or the catch-up interval when the consumer's last batch ended
    /// behind).
    /// - Returns: nil when the consumer has failing entries (the writer path counts them).
    /// - Throws: what `prepare` throws.
    private func prepare(_ consumer: any OffWriterConsumer, after from: JournalPosition?, in db: Database) throws -> Prepared? {
        let start = try from ?? Self.position(of: consumer.name, in: db)
        let latest = try readableEnd(db)
        guard try Self.failingCount(of: consumer.name, in: db) == 0 else { return nil }
        let snapshot = transaction(db)
        let began = ContinuousClock.now
        let interval = offWriterCheckpointInterval(consumer.name)
        var writes = DeferredWrites()
        var position = start
        var read = 0
        var full = false
        var stopped = false
        repeat {
            let (entries, rows) = try tail.read(db, after: position, limit: batchSize, types: consumer.types, latest: latest)
            for entry in entries {
                let mark = writes.count
                do {
                    try consumer.prepare(entry, in: snapshot, writes: &writes)
                } catch {
                    // The first entry: the writer runs the batch. A later one: the batch ends
                    // before it (its memory is already undone), and the next begins with it.
                    guard read > 0 else { throw error }
                    writes.truncate(to: mark)
                    stopped = true
                    break
                }
                position = entry.position
                read += 1
            }
            full = stopped || rows == batchSize
        } while !stopped && consumer.widensBatches && full && read + batchSize <= wideBatchEntriesMax && ContinuousClock.now - began < interval
        // A batch handed back before its bound says nothing of the backlog: the bound stays.
        if consumer.widensBatches && !stopped { noteOffWriterBatch(consumer.name, endedBehind: full) }
        return Prepared(start: start, position: position, latest: latest, applied: read, full: full, writes: writes)
    }

    /// Runs the prepared writes, the consumer's sealed batch writes and the cursor on the writer.
    /// - Throws: `CursorMoved`; `PreparedWriteFailed` with what a prepared write threw; what the
    ///   sealed writes throw.
    private func commit(
        _ consumer: any OffWriterConsumer, _ p: Prepared, _ sealed: @Sendable (any StoreTransaction) throws -> Void, in db: Database
    ) throws -> DrainReport {
        guard try Self.position(of: consumer.name, in: db) == p.start else { throw CursorMoved() }
        let tx = transaction(db)
        do { try p.writes.run(in: tx) } catch { throw PreparedWriteFailed(underlying: error) }
        var report = DrainReport()
        report.applied = p.applied
        var position = p.position
        // A short batch read everything there was: skip the entries of other types too.
        if !p.full {
            position = max(position, JournalPosition(offset: p.latest))
        } else {
            report.caughtUp = false
        }
        try sealed(tx)
        if try readableEnd(db) > p.latest { report.caughtUp = false }
        if position != p.start { try Self.moveCursor(of: consumer.name, to: position, in: db) }
        return report
    }
}
