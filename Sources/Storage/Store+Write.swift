import Dispatch
import Engine
import GRDB
import Logging

extension Store {
    /// Runs `op` in a group commit: concurrent callers' operations share one `BEGIN IMMEDIATE`
    /// transaction (up to `batchMax`), each inside its own savepoint (an operation alone in its
    /// transaction needs none: its failure rolls the transaction back).
    ///
    /// The writer connection runs the batches itself, one after another: a caller queues its
    /// operation, and when no batch is in flight, a batch is scheduled on the writer. After each
    /// COMMIT the writer hands that batch's answers to a queue of their own and, while operations
    /// are waiting, schedules the next batch behind whatever else is queued on the connection. So no task or thread
    /// stands between two batches, and nothing else on the writer waits for the queue to empty.
    /// The database work is not cancellable: once queued, an operation runs.
    ///
    /// - Parameter op: the operation; it must not manage transactions (savepoints are fine).
    /// - Returns: `op`'s result, only after COMMIT has returned (durable per `synchronous`;
    ///   with `.pipelined`, after the WAL's fsync that follows it).
    /// - Throws: `op`'s own error, which rolls back `op` alone while the rest of the batch
    ///   commits; or `StorageError.commitFailed` when the transaction as a whole failed.
    public func write<T: Sendable>(_ op: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await enqueue(.plain { db in try op(db) })
    }

    /// Runs `op` in a group commit as `write` does, but without a savepoint of its own and with
    /// the batch's overlays (`WriteBatch`): for operations that keep their changes in an overlay
    /// and write at most one row of their own (a gift send).
    ///
    /// - Parameter op: the operation. When it throws it must have changed nothing, neither in the
    ///   database nor in an overlay: there is no savepoint to roll it back.
    /// - Returns: `op`'s result, only after COMMIT has returned.
    /// - Throws: `op`'s error, or `StorageError.commitFailed` when the transaction as a whole
    ///   failed (including an overlay's flush).
    public func writeBatched<T: Sendable>(_ op: @escaping @Sendable (Database, WriteBatch) throws -> T) async throws -> T {
        try await enqueue(.batched { db, batch in try op(db, batch) })
    }

    /// Queues `op` in a group commit as `writeBatched` does, without waiting for it: `completion`
    /// gets its outcome after COMMIT, when `writeBatched` would have returned (durable per
    /// `synchronous`). It is called on the store's thread that answers batches (or, with
    /// `.pipelined`, the WAL sync's), after the batch's COMMIT, one operation after another, so it must only hand the
    /// outcome on (to an event loop, say): a caller on an event loop hears of its operation
    /// without a task of its own.
    ///
    /// - Parameters: op: as for `writeBatched`; completion: told `op`'s value, or its error, or
    ///   `StorageError.commitFailed`.
    public func submitBatched<T: Sendable>(
        _ op: @escaping @Sendable (Database, WriteBatch) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        submit(PendingWrite(body: .batched { db, batch in try op(db, batch) }, waiter: .callback { outcome in
            completion(outcome.map(Self.typed))
        }))
    }

    private func enqueue<T: Sendable>(_ body: WriteBody) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            submit(PendingWrite(body: body, waiter: .task(continuation)))
        }
        return Self.typed(value)
    }

    private static func typed<T>(_ value: any Sendable) -> T {
        guard let typed = value as? T else { preconditionFailure("group commit result has the wrong type") }
        return typed
    }

    /// Queues `write`, and schedules a batch on the writer when none is in flight.
    private func submit(_ write: PendingWrite) {
        let schedules = queue.withLock { state -> Bool in
            state.pending.append(write)
            guard !state.flushing else { return false }
            state.flushing = true
            return true
        }
        if schedules { scheduleBatch() }
    }

    /// Runs the next batch on the writer connection, after what is queued on it already.
    private func scheduleBatch() {
        pool.asyncWriteWithoutTransaction { [self] db in runBatch(db) }
    }

    /// Batches the writer runs back to back in one turn on its connection's queue before it
    /// queues the next behind whatever else waits there (a write of its own, a read of the
    /// writer's), so nothing else on the writer waits for more than this many batches.
    static let batchesPerTurn = 8

    /// On the writer: commits the oldest waiting operations (up to `batchMax`) in one
    /// transaction, and answers that batch's callers (with `.pipelined`, once the WAL's fsync
    /// that follows the COMMIT is done; the next batch runs meanwhile, and nobody in this batch
    /// hears of it before it is durable). While operations are waiting it runs the next batch at
    /// once, up to `batchesPerTurn` in a turn, then schedules another turn; else it marks the
    /// writer idle. Its raised priority is taken once a turn, not once a batch.
    private func runBatch(_ db: Database) {
        // nil until the turn's first batch raises the writer; then the level to go back to
        // (itself nil when the raise was not permitted).
        var level: Int32?? = nil
        var pinned = false
        defer {
            if let level { writerPriority.leave(level) }
            if pinned { pinning.release() }
        }
        for turn in 1...Self.batchesPerTurn {
            let batch = queue.withLock { $0.take(configuration.batchMax) }
            if !batch.isEmpty {
                // Raised while it holds batches: callers wait on every moment it is preempted.
                // And on a core of its own, apart from the WAL's sync (`CorePinning`).
                if level == nil {
                    level = .some(writerPriority.enter())
                    pinned = pinning.pin(pinning.writer)
                }
                let taken = DispatchTime.now().uptimeNanoseconds
                let (outcomes, committed, rolledBack, opsNanos, commitNanos, end, appended) = Self.run(batch, in: db, kept: kept)
                let done = DispatchTime.now().uptimeNanoseconds
                // Pipelined, the consumers wake once the sync has made the new rows durable. A
                // lone operation's own failure rolled its transaction back: nothing committed,
                // and no commit failed either (as `writeAlone` counts it).
                let waits = (batch.count, batch.reduce(0) { $0 &+ (taken &- $1.queuedAt) }, (done &- taken) &* UInt64(batch.count))
                if rolledBack {
                    recordWaits(waits)
                } else {
                    record(committed: committed, ops: outcomes.count { if case .success = $0 { true } else { false } },
                        opsNanos: opsNanos, commitNanos: commitNanos, appended: appended && walSync == nil, waits: waits)
                }
                if committed, let walSync {
                    walSync.sync { [self] error in
                        if error == nil { synced(through: end, appended: appended) }
                        waited(durable: (DispatchTime.now().uptimeNanoseconds &- done) &* UInt64(batch.count))
                        for (write, outcome) in zip(batch, synced(outcomes, error)) { write.waiter.deliver(outcome) }
                    }
                } else {
                    answers.async { for (write, outcome) in zip(batch, outcomes) { write.waiter.deliver(outcome) } }
                }
            }
            guard moreWaiting() else { return }
            if turn == Self.batchesPerTurn { scheduleBatch() }
        }
    }

    /// Whether operations are waiting; if not, marks the writer idle.
    private func moreWaiting() -> Bool {
        queue.withLock { state -> Bool in
            guard !state.pending.isEmpty else {
                state.flushing = false
                return false
            }
            return true
        }
    }

    /// Syncs the WAL, moves `durableJournalEnd` to `end` (the journal's end at the commit),
    /// then gives the outcomes back (`synced`).
    func durable<T>(_ outcomes: [Result<T, any Error>], _ walSync: WALSync, journalEnd end: Int64) async -> [Result<T, any Error>] {
        do {
            try await walSync.sync()
            synced(through: end, appended: true)
            return outcomes
        } catch {
            return synced(outcomes, error)
        }
    }

    /// The outcomes of a committed batch after its WAL sync: as they were, or, if the sync
    /// failed (this time or any time before: `WALSync` keeps the first failure), every operation
    /// failed: its commit is visible but may not survive a power cut. Once the server restarts,
    /// a retry with the same idempotency key answers from what recovery kept.
    /// The first failure is logged at `critical`, once; the batches after it, which fail too,
    /// at `debug` (one line a batch would flood the log until the restart).
    func synced<T>(_ outcomes: [Result<T, any Error>], _ failure: (any Error)?) -> [Result<T, any Error>] {
        guard let failure else { return outcomes }
        if durabilityFailureLogged.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            logger.critical(
                "the WAL could not be synced: this batch and every later write are answered with an error, and /healthz with 503, until the server restarts",
                metadata: ["error": "\(failure)"])
        } else {
            logger.debug("a batch answered with an error: the WAL's sync failed before", metadata: ["error": "\(failure)"])
        }
        return outcomes.map { _ in .failure(failure) }
    }

    /// One `BEGIN IMMEDIATE` transaction: the batched operations first, over their overlays,
    /// flushed once; then the plain operations, each in its own savepoint. Also
    /// returns how long the operations (with the flushes) and the COMMIT took, in nanoseconds,
    /// and whether the journal grew.
    ///
    /// A plain operation alone in its batch (a consumer's batch, most of the time) runs
    /// without a savepoint: when it throws, the transaction rolls back (`rolledBack`), which
    /// undoes exactly what its savepoint would have, and the operation gets its own error. Inside
    /// a savepoint, every statement that opens a statement journal of its own (one on a table
    /// the writer's kept overlays watch by trigger, such as a ledger account's update) truncates
    /// SQLite's in-memory sub-journal on release by walking its chunks past every page the
    /// operation had journaled: a consumer batch of thousands of rows paid about 11 µs a
    /// statement for it (`benchmarks/LOG.md`, 2026-12-07T05:25Z).
    private static func run(
        _ batch: [PendingWrite], in db: Database, kept: WriterKept
    ) -> (
        outcomes: [Result<any Sendable, any Error>], committed: Bool, rolledBack: Bool, opsNanos: UInt64, commitNanos: UInt64,
        journalEnd: Int64, appended: Bool
    ) {
        var outcomes: [Result<any Sendable, any Error>] = []
        outcomes.reserveCapacity(batch.count)
        let start = DispatchTime.now().uptimeNanoseconds
        var opsDone = start
        var appended = false
        var end: Int64 = 0
        var rolledBack = false
        var lone: (@Sendable (Database) throws -> any Sendable)?
        if batch.count == 1, case .plain(let body) = batch[0].body { lone = body }
        do {
            let overlays = WriteBatch(kept: kept)
            // GRDB's own transaction here, not a cached BEGIN as readers have: inside its block GRDB
            // refuses every statement once SQLite has rolled the transaction back by itself
            // (a full disk, an I/O error), so the rest of the batch cannot autocommit.
            try db.inTransaction(.immediate) {
                try kept.checkOutsideWrites(db)
                let journalEnd = try Self.journalEnd(db)
                if let lone {
                    do {
                        outcomes = [.success(try lone(db))]
                    } catch {
                        outcomes = [.failure(error)]
                        rolledBack = true
                        return .rollback
                    }
                } else {
                    // The batched operations (sends) first, over one overlay, flushed once; then
                    // the plain ones (consumer batches, top-ups), each in its savepoint. The
                    // callers of one batch are concurrent and all answered after the COMMIT, so
                    // any order of their operations is a valid one; this one writes each touched
                    // balance once, where a plain operation between two sends flushed the overlay
                    // between them.
                    var slots = [Result<any Sendable, any Error>?](repeating: nil, count: batch.count)
                    // By index: an element bound whole would be copied, its closure and waiter retained.
                    for i in batch.indices {
                        guard case .batched(let body) = batch[i].body else { continue }
                        slots[i] = Result { try body(db, overlays) }
                    }
                    try overlays.flush(db)
                    for i in batch.indices {
                        guard case .plain(let body) = batch[i].body else { continue }
                        slots[i] = Result { try db.withSavepoint { try body(db) } }
                    }
                    outcomes = slots.map { $0! }
                }
                end = try Self.journalEnd(db)
                appended = end != journalEnd
                opsDone = DispatchTime.now().uptimeNanoseconds
                return .commit
            }
            if rolledBack {
                // As after a failed savepoint: the kept overlays were told of every row the
                // operation changed (their triggers), and nothing else changed.
                return (outcomes, false, true, 0, 0, 0, false)
            }
            let committedAt = DispatchTime.now().uptimeNanoseconds
            kept.committed(nanos: committedAt - opsDone)
            return (outcomes, true, false, opsDone - start, committedAt - opsDone, end, appended)
        } catch {
            // The kept overlays may hold rows this transaction's rollback undid.
            kept.reset()
            let failure = StorageError.commitFailed(reason: "\(error)")
            return (batch.map { _ in .failure(failure) }, false, false, 0, 0, 0, false)
        }
    }

    /// The journal's last offset: the largest key of its table, read from the end of its b-tree
    /// (`Journal.latestOffset`'s query, asked here because the store sits below `Journal`).
    /// Read by position (`firstRowRaw`): asked twice a batch, through GRDB's generic `fetchOne`
    /// it was about 2% of the writer's time a gift send.
    static func journalEnd(_ db: Database) throws -> Int64 {
        let end: Int64?? = try db.cachedStatement(sql: "SELECT MAX(offset) FROM journal").firstRowRaw { rawInt($0, 0) }
        return (end ?? nil) ?? 0
    }

    /// Adds a batch's sync wait to `StoreStats.durableWaitNanos` (summed over its operations).
    func waited(durable durableNanos: UInt64) {
        queue.withLock { $0.stats.durableWaitNanos &+= durableNanos }
        commitMetrics.durableWait.increment(by: Int64(clamping: durableNanos))
    }

    /// Counts a batch's operations and their queue and batch waits (`StoreStats.waitedOps`,
    /// `queueWaitNanos`, `batchWaitNanos`): of a committed batch (`record`), and of one that
    /// neither committed nor failed to (a lone operation's own failure rolled it back), whose
    /// operation waited as any other does.
    func recordWaits(_ waits: (ops: Int, queueNanos: UInt64, batchNanos: UInt64)) {
        queue.withLock { state in
            state.stats.waitedOps += waits.ops
            state.stats.queueWaitNanos &+= waits.queueNanos
            state.stats.batchWaitNanos &+= waits.batchNanos
        }
        commitMetrics.waitedOps.increment(by: waits.ops)
        commitMetrics.queueWait.increment(by: Int64(clamping: waits.queueNanos))
        commitMetrics.batchWait.increment(by: Int64(clamping: waits.batchNanos))
    }

    /// Updates the counters, and wakes journal consumers after a commit that appended to the
    /// journal. Only then: a consumer's own batch commits whether or not it appended anything,
    /// and a poke for each would have the consumers, each on its own loop, wake one another
    /// for ever while idle.
    /// `waits`: a committed batch's operations, and their queue and batch waits summed
    /// (`StoreStats.waitedOps`, `queueWaitNanos`, `batchWaitNanos`).
    func record(
        committed: Bool, ops: Int, opsNanos: UInt64 = 0, commitNanos: UInt64 = 0, appended: Bool = true,
        waits: (ops: Int, queueNanos: UInt64, batchNanos: UInt64)? = nil
    ) {
        queue.withLock { state in
            if committed {
                state.stats.commits += 1
                state.stats.ops += ops
                state.stats.opsNanos += opsNanos
                state.stats.commitNanos += commitNanos
            } else {
                state.stats.failedCommits += 1
            }
        }
        if committed {
            commitMetrics.commits.increment()
            commitMetrics.ops.increment(by: ops)
            commitMetrics.batchOps.record(ops)
            commitMetrics.opsNanos.increment(by: Int64(clamping: opsNanos))
            commitMetrics.commitNanos.increment(by: Int64(clamping: commitNanos))
            if let waits { recordWaits(waits) }
            if appended { signal.poke() }
        } else {
            logger.error("group commit failed", metadata: ["ops": "\(ops)"])
        }
    }
}
