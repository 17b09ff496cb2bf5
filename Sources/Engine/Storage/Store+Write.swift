import Dispatch
import GRDB
import Logging

extension Store {
    /// Runs `op` in a group commit: concurrent callers' operations share one `BEGIN IMMEDIATE`
    /// transaction (up to `batchMax`), each inside its own savepoint.
    ///
    /// The first caller while no batch is in flight leads: it commits its own operation with
    /// everything queued, then hands leadership to the oldest waiting caller, so batches follow
    /// one another without a background task and no leader works for others forever. The
    /// database work is not cancellable: once queued, an operation runs.
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
    /// `synchronous`). It is called on the thread that led the batch, after the batch's COMMIT,
    /// one operation after another, so it must only hand the outcome on (to an event loop, say):
    /// a caller on an event loop hears of its operation without a task of its own.
    /// When no batch is in flight, a task is started to lead one.
    ///
    /// - Parameters: op: as for `writeBatched`; completion: told `op`'s value, or its error, or
    ///   `StorageError.commitFailed`.
    public func submitBatched<T: Sendable>(
        _ op: @escaping @Sendable (Database, WriteBatch) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let write = PendingWrite(body: .batched { db, batch in try op(db, batch) }, waiter: .callback { outcome in
            completion(outcome.map(Self.typed))
        })
        let leads = queue.withLock { state -> Bool in
            if state.flushing {
                state.pending.append(write)
                return false
            }
            state.flushing = true
            return true
        }
        if leads { startLeading(write) }
    }

    private func enqueue<T: Sendable>(_ body: WriteBody) async throws -> T {
        let ticket = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<WriteTicket, any Error>) in
            let leads = queue.withLock { state -> Bool in
                if state.flushing {
                    state.pending.append(PendingWrite(body: body, waiter: .task(continuation)))
                    return false
                }
                state.flushing = true
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch ticket {
        case .done(let result): return Self.typed(result)
        case .lead: return Self.typed(try await lead(with: body).get())
        }
    }

    private static func typed<T>(_ value: any Sendable) -> T {
        guard let typed = value as? T else { preconditionFailure("group commit result has the wrong type") }
        return typed
    }

    /// Leads a batch, in a task of its own, for an operation whose waiter does not wait (a
    /// `submitBatched` callback), and tells the waiter its outcome.
    private func startLeading(_ write: PendingWrite) {
        Task { [self] in
            let outcome = await lead(with: write.body)
            write.waiter?.deliver(outcome)
        }
    }

    /// Commits one batch that starts with the leader's operation, then hands leadership on: to
    /// the oldest waiting caller (a task of its own when that one does not wait).
    /// - Returns: the leader's own outcome.
    private func lead(with first: WriteBody) async -> Result<any Sendable, any Error> {
        let batchMax = configuration.batchMax
        let batch = [PendingWrite(body: first, waiter: nil)] + queue.withLock { $0.take(batchMax - 1) }
        var (outcomes, committed) = await commit(batch)
        let successor = queue.withLock { state -> PendingWrite? in
            guard !state.pending.isEmpty else {
                state.flushing = false
                return nil
            }
            return state.pending.removeFirst()
        }
        switch successor?.waiter {
        case .task(let continuation): continuation.resume(returning: .lead)
        case .callback: startLeading(successor!)
        case nil: break
        }
        // Pipelined: the next batch runs on the writer while this one's WAL frames are synced;
        // nobody in this batch hears of it before they are durable.
        if committed, let walSync { outcomes = await Self.durable(outcomes, walSync, logger) }
        for (write, outcome) in zip(batch.dropFirst(), outcomes.dropFirst()) {
            write.waiter?.deliver(outcome)
        }
        return outcomes[0]
    }

    /// Syncs the WAL, then gives the outcomes back; if the sync fails, every operation fails:
    /// its commit is visible but may not survive a power cut (a retry with the same idempotency
    /// key answers from what the store holds).
    static func durable<T>(_ outcomes: [Result<T, any Error>], _ walSync: WALSync, _ logger: Logger) async -> [Result<T, any Error>] {
        do {
            try await walSync.sync()
            return outcomes
        } catch {
            logger.critical("the WAL could not be synced: answering the batch with an error", metadata: ["error": "\(error)"])
            return outcomes.map { _ in .failure(error) }
        }
    }

    /// Runs a batch on the writer connection and waits for its COMMIT.
    private func commit(_ batch: [PendingWrite]) async -> (outcomes: [Result<any Sendable, any Error>], committed: Bool) {
        let (priority, kept) = (writerPriority, self.kept)
        let (outcomes, committed, opsNanos, commitNanos, appended) = await withCheckedContinuation { continuation in
            pool.asyncWriteWithoutTransaction { db in
                // Raised while it holds the batch: callers wait on every moment it is preempted.
                let level = priority.enter()
                let result = Self.run(batch, in: db, kept: kept)
                priority.leave(level)
                continuation.resume(returning: result)
            }
        }
        record(committed: committed, ops: outcomes.count { if case .success = $0 { true } else { false } },
            opsNanos: opsNanos, commitNanos: commitNanos, appended: appended)
        return (outcomes, committed)
    }

    /// One `BEGIN IMMEDIATE` transaction: the batched operations first, over their overlays,
    /// flushed once; then the plain operations, each in its own savepoint. Also
    /// returns how long the operations (with the flushes) and the COMMIT took, in nanoseconds,
    /// and whether the journal grew.
    private static func run(
        _ batch: [PendingWrite], in db: Database, kept: WriterKept
    ) -> (outcomes: [Result<any Sendable, any Error>], committed: Bool, opsNanos: UInt64, commitNanos: UInt64, appended: Bool) {
        var outcomes: [Result<any Sendable, any Error>] = []
        outcomes.reserveCapacity(batch.count)
        let start = DispatchTime.now().uptimeNanoseconds
        var opsDone = start
        var appended = false
        do {
            let overlays = WriteBatch(kept: kept)
            try db.inTransaction(.immediate) {
                try kept.checkOutsideWrites(db)
                let journalEnd = try Self.journalEnd(db)
                // The batched operations (sends) first, over one overlay, flushed once; then the
                // plain ones (consumer batches, top-ups), each in its savepoint. The callers of
                // one batch are concurrent and all answered after the COMMIT, so any order of
                // their operations is a valid one; this one writes each touched balance once,
                // where a plain operation between two sends flushed the overlay between them.
                var slots = [Result<any Sendable, any Error>?](repeating: nil, count: batch.count)
                for (i, write) in batch.enumerated() {
                    guard case .batched(let body) = write.body else { continue }
                    slots[i] = Result { try body(db, overlays) }
                }
                try overlays.flush(db)
                for (i, write) in batch.enumerated() {
                    guard case .plain(let body) = write.body else { continue }
                    slots[i] = Result { try db.withSavepoint { try body(db) } }
                }
                outcomes = slots.map { $0! }
                appended = try Self.journalEnd(db) != journalEnd
                opsDone = DispatchTime.now().uptimeNanoseconds
                return .commit
            }
            let end = DispatchTime.now().uptimeNanoseconds
            return (outcomes, true, opsDone - start, end - opsDone, appended)
        } catch {
            // The kept overlays may hold rows this transaction's rollback undid.
            kept.reset()
            let failure = StorageError.commitFailed(reason: "\(error)")
            return (batch.map { _ in .failure(failure) }, false, 0, 0, false)
        }
    }

    /// The journal's last offset: the largest key of its table, read from the end of its b-tree
    /// (`Journal.latestOffset`'s query, asked here because the store sits below `Journal`).
    private static func journalEnd(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(offset) FROM journal")) ?? 0
    }

    /// Updates the counters, and wakes journal consumers after a commit that appended to the
    /// journal. Only then: a consumer's own batch commits whether or not it appended anything,
    /// and a poke for each would have the consumers, each on its own loop, wake one another
    /// for ever while idle.
    func record(committed: Bool, ops: Int, opsNanos: UInt64 = 0, commitNanos: UInt64 = 0, appended: Bool = true) {
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
            if appended { signal.poke() }
        } else {
            logger.error("group commit failed", metadata: ["ops": "\(ops)"])
        }
    }
}
