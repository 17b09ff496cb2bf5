/// Something that turns journal facts into state: a leaderboard, a task tracker, a settlement
/// accrual. A `ConsumerRunner` feeds it entries in order after its durable cursor.
///
/// `apply` runs inside the runner's write transaction (under one savepoint per batch, or one
/// per entry after a failure; see `replaysBatchOnFailure`), and the cursor advances in that
/// same transaction: effects written through its transaction happen exactly once
/// even though an entry may be delivered again after a crash. Effects outside the database
/// (sockets, caches) are at least once and must tolerate repeats.
public protocol JournalConsumer: Sendable {
    /// Unique, stable name: the key of its cursor. Renaming it replays the whole journal.
    var name: String { get }
    /// The entry types it wants; `nil` for every type.
    var types: Set<String>? { get }
    /// Applies one entry's effects through `tx`, the runner's write transaction.
    ///
    /// Throwing rolls back this entry's effects and counts a failed attempt; after
    /// `maxAttempts` failures the entry is parked and the consumer moves on. Throw a
    /// `FatalConsumerError` instead to abandon the whole batch without counting an attempt.
    /// - Throws: any error, as above.
    func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws

    /// Called after each batch write of this consumer with whether it committed (and with
    /// `false` when a retry of a parked entry failed as a whole). Consumers that keep state in
    /// memory beside the database (leaderboards) rebuild it after a failed write. The default
    /// does nothing.
    func settled(committed: Bool)

    /// Called once at the end of each batch, inside its transaction, after the last `apply`:
    /// where a consumer that coalesces its writes (one row per hot key per batch rather than
    /// one per entry) flushes them. The default does nothing.
    func finishBatch(in tx: any StoreTransaction) throws

    /// Whether the runner may apply a whole batch under one savepoint: when an entry fails,
    /// it rolls the batch back (calling `batchRolledBack`) and applies it again entry by entry,
    /// each in its own savepoint, to find and count the failing one. A consumer whose `apply`
    /// has effects outside the database that must not repeat (pushing to sockets) says false,
    /// and each of its entries always gets its own savepoint. The default is true.
    var replaysBatchOnFailure: Bool { get }

    /// Whether `apply` writes through its transaction. A consumer whose entries are applied one by one
    /// (`replaysBatchOnFailure` false) and that writes nothing there (it only publishes) says
    /// false, and its entries are applied without a savepoint each: there is nothing to roll
    /// back. The default is true.
    var writesInApply: Bool { get }

    /// Called when the runner rolled back the store's side of every `apply` since the batch
    /// began (an entry failed under the batch's single savepoint), before it applies the batch
    /// again entry by entry: memory kept beside the store must go back to the batch's start.
    /// The default does nothing.
    func batchRolledBack()

    /// Whether one transaction may read several pages while the consumer is behind, up to the
    /// runner's checkpoint interval (`ConsumerRunner.checkpointInterval`) and
    /// `ConsumerRunner.wideBatchEntriesMax`. For consumers that sum a batch in memory and write
    /// one row per key at `finishBatch` (earnings): a wider batch folds more entries into each
    /// row and commits fewer times. Its memory is bounded by the batch, not by the journal. The
    /// default is false: one page per transaction.
    var widensBatches: Bool { get }

    /// How soon its effects must follow their facts under load: `prompt` (the default) for
    /// effects viewers watch as they happen, `bulk` for state nobody reads to the tenth of a
    /// second, whose batches the runner spaces wider (`ConsumerRunner.bulkBatchSpacing`).
    var pace: ConsumerPace { get }
}

/// How far a consumer's batches may be spaced while it follows the journal under load
/// (`ConsumerRunner.batchSpacing`, `ConsumerRunner.bulkBatchSpacing`). A consumer woken after a
/// quiet spell starts at once either way, and `drain` never waits.
public enum ConsumerPace: Sendable, Hashable {
    /// Effects viewers watch as they happen: a gift's animation in its room, a gift's steps
    /// (a lucky draw's prize), notifications. Spaced by `batchSpacing` (20 ms by default).
    case prompt
    /// State written once for many facts, that nobody reads to the tenth of a second: task
    /// progress, activity boards (pushed to rooms at most once a second anyway), earnings,
    /// account history (whose readers complete it from the journal). Spaced by
    /// `bulkBatchSpacing` (100 ms by default): each batch folds five times the facts into each
    /// owner's row, and the shared writer commits its rows a fifth as often.
    case bulk
}

extension JournalConsumer {
    public func settled(committed: Bool) {}
    public func finishBatch(in tx: any StoreTransaction) throws {}
    public var replaysBatchOnFailure: Bool { true }
    public var writesInApply: Bool { true }
    public func batchRolledBack() {}
    public var widensBatches: Bool { false }
    public var pace: ConsumerPace { .prompt }
}

/// An error that means "stop everything, this is not the entry's fault" (a broken invariant,
/// a dependency down): the runner rolls back the whole batch, leaves the cursor where it was
/// and counts no attempt, as if the process had crashed before committing.
public protocol FatalConsumerError: Error {}
