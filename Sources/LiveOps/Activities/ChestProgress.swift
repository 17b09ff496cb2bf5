import Synchronization

/// Chest progress as `ctx.chest` changes it: read from the store once per owner, changed in
/// memory, and written once per changed owner at the end of the consumer's batch, as board
/// scores are (a viewer who sends ten gifts in a batch costs one row write, not ten reads and
/// ten writes). Every change is logged so a failed entry, or a rolled-back batch, puts memory
/// back. Only the activities consumer touches it, one batch at a time (on the writer, or off it
/// while it prepares a batch, then on the writer for the flush).
public final class ChestProgress: Sendable {
    /// One owner's row of one activity's chest.
    public struct Key: Hashable, Sendable {
        /// The activity declaring the chest.
        public let activity: String
        /// The chest's name.
        public let chest: String
        /// Who fills it.
        public let owner: String
    }
    /// A chest's row: progress so far and chests opened so far.
    public struct Value: Hashable, Sendable {
        /// Everything counted so far.
        public var progress: Int64
        /// Chests opened so far.
        public var opened: Int64

        package init(progress: Int64, opened: Int64) {
            self.progress = progress
            self.opened = opened
        }
    }

    private struct State {
        /// The store's rows as the running batch left them (rows read lately or changed).
        var known: [Key: Value] = [:]
        /// Keys changed since the last `flush`.
        var unflushed: Set<Key> = []
        /// Changes since the batch began, oldest first: the key and its value before.
        var undo: [(Key, Value)] = []
        /// Keys the last sealed batch writes (`sealRows`): kept in memory until the next seal, as
        /// the next batch is prepared on a snapshot that may not hold that write yet.
        var sealed: Set<Key> = []
    }

    /// Rows kept in memory by default.
    static let defaultKnownMax = 200_000
    /// Rows kept in memory; past it, rows not waiting for a flush are forgotten.
    let knownMax: Int
    private let state = Mutex(State())

    /// - Parameter knownMax: rows kept in memory, at least 1.
    init(knownMax: Int = ChestProgress.defaultKnownMax) {
        precondition(knownMax >= 1, "knownMax must be at least 1")
        self.knownMax = knownMax
    }

    /// Rows held in memory now.
    var count: Int { state.withLock { $0.known.count } }

    /// The row for `key` (zeros when the store has none).
    package func value(_ key: Key, in tx: any LiveOpsTransaction) throws -> Value {
        if let hit = state.withLock({ $0.known[key] }) { return hit }
        // A viewer's first gift to a chest misses memory.
        let value = try tx.chestProgress(key) ?? Value(progress: 0, opened: 0)
        state.withLock { s in
            if s.known.count >= knownMax {
                s.known = s.known.filter { s.unflushed.contains($0.key) || s.sealed.contains($0.key) }
            }
            s.known[key] = value
        }
        return value
    }

    /// Sets the row for `key` (read first with `value`), logging its value before.
    func set(_ key: Key, to value: Value, before: Value) {
        state.withLock { s in
            s.known[key] = value
            s.unflushed.insert(key)
            s.undo.append((key, before))
        }
    }

    /// The position in the change log, to roll back to (`rollback(to:)`).
    func mark() -> Int { state.withLock { $0.undo.count } }

    /// Undoes every change made after `mark`, newest first.
    func rollback(to mark: Int) {
        state.withLock { s in
            guard s.undo.count > mark else { return }
            for (key, before) in s.undo[mark...].reversed() {
                s.known[key] = before
                // Written again at the flush: the value the store holds, so harmless.
                s.unflushed.insert(key)
            }
            s.undo.removeSubrange(mark...)
        }
    }

    /// Forgets the change log (the batch ended; its changes stay in memory).
    func forgetUndo() { state.withLock { $0.undo.removeAll(keepingCapacity: true) } }

    /// Forgets everything (a write did not commit: memory may be ahead of the store).
    func discard() {
        state.withLock { s in
            s.known.removeAll()
            s.unflushed.removeAll()
            s.undo.removeAll()
            s.sealed.removeAll()
        }
    }

    /// Ends a batch prepared off the writer: takes the changed rows as memory holds them now,
    /// forgets the change log, and returns the rows' write, to run in the batch's commit. The
    /// rows stay in memory until the next seal (`State.sealed`).
    package func sealRows() -> @Sendable (any LiveOpsTransaction) throws -> Void {
        let rows = state.withLock { s -> [(Key, Value)] in
            defer {
                s.sealed = s.unflushed
                s.unflushed.removeAll(keepingCapacity: true)
                s.undo.removeAll(keepingCapacity: true)
            }
            return s.unflushed.compactMap { k in s.known[k].map { (k, $0) } }
        }
        guard !rows.isEmpty else { return { _ in } }
        return { tx in try tx.saveChestProgress(rows) }
    }

    /// Writes every row changed since the last flush; call at the end of the consumer's
    /// batch, inside its transaction.
    package func flush(_ tx: any LiveOpsTransaction) throws {
        let rows = state.withLock { s -> [(Key, Value)] in
            defer { s.unflushed.removeAll(keepingCapacity: true) }
            return s.unflushed.compactMap { k in s.known[k].map { (k, $0) } }
        }
        guard !rows.isEmpty else { return }
        try tx.saveChestProgress(rows)
    }
}
