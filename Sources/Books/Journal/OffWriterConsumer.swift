import Scripting

/// A consumer whose handlers can run off the store's writer: on a read snapshot, on a core of
/// their own, while the writer commits other work. Only the writes it asks for run on the
/// writer, with its cursor (`ConsumerRunner`'s off-writer pass).
///
/// `prepare` does what `apply` does, with two differences:
/// - its transaction is a read-only snapshot that holds every batch this consumer committed, so state the
///   consumer owns (progress rows, chest rows) reads the same as on the writer;
/// - every write goes into `writes`, to run later on the writer, in order, in the transaction
///   that moves the cursor.
///
/// Anything `prepare` cannot do there (a handler that reads the ledger, which must see every
/// write before it; a tick that closes periods; a failing handler)
/// throws. The runner ends the batch before that entry, and the next batch, which begins with
/// it, runs on the writer as before, where failures are counted and parked entry by entry. When
/// the prepared writes fail on the writer, memory goes back to the store's state and the batch
/// runs on the writer. So a batch's effects are the same on either path, and the cursor still
/// moves only with them.
public protocol OffWriterConsumer: JournalConsumer {
    /// Runs `entry`'s handlers against the snapshot `tx`, changing memory as `apply` does, and
    /// appends the writes `apply` would have made to `writes`. When it throws, memory holds no
    /// change of this entry (as when `apply` throws).
    /// - Throws: any error, meaning "run this entry on the writer": the runner ends the batch
    ///   before it, or, when it is the batch's first, runs the batch on the writer.
    func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws

    /// Ends a batch prepared off the writer, in memory: takes the rows `finishBatch` would write
    /// as memory holds them now, forgets the batch's undo logs, and returns the rows' write, to
    /// run on the writer in the batch's commit.
    ///
    /// The runner prepares the next batch while that commit runs, on a snapshot taken before
    /// it: so the write must not read memory, and state it writes must stay readable from memory
    /// until the next `seal` (by then the commit is in every later snapshot). If the commit
    /// fails, the runner calls `settled(committed: false)`, which forgets memory ahead of the
    /// store, the next batch's changes included; when it commits, the runner calls nothing.
    func seal() -> @Sendable (any StoreTransaction) throws -> Void
}

/// Writes prepared off the writer, run on it in order.
///
/// `@unchecked Sendable`: the closures capture the handler calls' contexts, which are not
/// `Sendable`. They are made on one thread and run on the writer only after the preparing
/// closure has returned (the runner awaits one, then submits the other), and nothing else
/// holds them, so they are never touched by two threads at once.
public struct DeferredWrites: @unchecked Sendable {
    private(set) var writes: [(any StoreTransaction) throws -> Void] = []

    /// None yet.
    public init() {}

    /// Appends a write.
    public mutating func append(_ write: @escaping (any StoreTransaction) throws -> Void) { writes.append(write) }

    /// How many writes are waiting.
    public var count: Int { writes.count }

    /// Drops the writes after the first `count`.
    package mutating func truncate(to count: Int) { writes.removeSubrange(count...) }

    /// Runs every write in order in the writer's transaction `tx`.
    package func run(in tx: any StoreTransaction) throws {
        for write in writes { try write(tx) }
    }

    /// Runs `body` with `writes` moved into an optional (the form a domain's `apply` takes:
    /// nil on the writer), and moves them back: moved, not copied, so appending does not copy
    /// the batch's writes.
    package static func lend(_ writes: inout DeferredWrites, to body: (inout DeferredWrites?) throws -> Void) rethrows {
        var lent: DeferredWrites? = writes
        writes = DeferredWrites()
        defer { writes = lent ?? DeferredWrites() }
        try body(&lent)
    }
}

/// Thrown by `prepare` when an entry must run on the writer (see `OffWriterConsumer`).
public struct NeedsWriter: Error, CustomStringConvertible {
    /// Why, for logs and tests.
    public let reason: String
    /// - Parameter reason: why.
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "needs the writer: \(reason)" }
}

/// The host reads of a handler run off the writer: none. A handler that reads host state runs
/// on the writer, where it sees every write before it. The first read marks the call as
/// needing the writer and fails; the consumer then declines the entry whatever the script did
/// with the error (a `pcall` cannot turn it into a result).
package final class WriterOnlyReads: ScriptReads {
    /// Whether the handler tried to read.
    package private(set) var used = false

    package init() {}

    package func balance(user: String, asset: String) throws -> Int64 { try refuse() }
    package func follows(viewer: String, streamer: String) throws -> Bool { try refuse() }
    package func fanMedal(viewer: String, streamer: String, now: Int64) throws -> LuaValue { try refuse() }
    package func guardHeld(viewer: String, streamer: String, now: Int64) throws -> LuaValue { try refuse() }
    package func vip(user: String, line: String, now: Int64) throws -> LuaValue { try refuse() }
    package func privileges(user: String, now: Int64) throws -> LuaValue { try refuse() }

    private func refuse<T>() throws -> T {
        used = true
        throw NeedsWriter("a handler reads host state")
    }
}
