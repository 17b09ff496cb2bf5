import GRDB

/// Something that turns journal facts into state: a leaderboard, a task tracker, a settlement
/// accrual. A `ConsumerRunner` feeds it entries in order after its durable cursor.
///
/// `apply` runs inside the runner's write transaction, in a savepoint of its own, and the
/// cursor advances in that same transaction: effects written through `db` happen exactly once
/// even though an entry may be delivered again after a crash. Effects outside the database
/// (sockets, caches) are at least once and must tolerate repeats.
public protocol JournalConsumer: Sendable {
    /// Unique, stable name: the key of its cursor. Renaming it replays the whole journal.
    var name: String { get }
    /// The entry types it wants; `nil` for every type.
    var types: Set<String>? { get }
    /// Applies one entry's effects through `db`.
    ///
    /// Throwing rolls back this entry's effects and counts a failed attempt; after
    /// `maxAttempts` failures the entry is parked and the consumer moves on. Throw a
    /// `FatalConsumerError` instead to abandon the whole batch without counting an attempt.
    /// - Throws: any error, as above.
    func apply(_ entry: JournalEntry, in db: Database) throws

    /// Called after each batch write of this consumer with whether it committed (and with
    /// `false` when a retry of a parked entry failed as a whole). Consumers that keep state in
    /// memory beside the database (leaderboards) rebuild it after a failed write. The default
    /// does nothing.
    func settled(committed: Bool)

    /// Called once at the end of each batch, inside its transaction, after the last `apply`:
    /// where a consumer that coalesces its writes (one row per hot key per batch rather than
    /// one per entry) flushes them. The default does nothing.
    func finishBatch(in db: Database) throws
}

extension JournalConsumer {
    public func settled(committed: Bool) {}
    public func finishBatch(in db: Database) throws {}
}

/// An error that means "stop everything, this is not the entry's fault" (a broken invariant,
/// a dependency down): the runner rolls back the whole batch, leaves the cursor where it was
/// and counts no attempt, as if the process had crashed before committing.
public protocol FatalConsumerError: Error {}
