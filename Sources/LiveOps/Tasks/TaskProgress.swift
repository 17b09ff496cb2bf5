/// The tasks consumer's progress in memory: what its current batch changed and reached, and the
/// stored progress it remembers. A plain value, kept by `Tasks` under one lock, so an event's
/// advance takes that lock once and looks its key up with one hash.
public struct TaskProgress {
    /// One user's progress in one task's period. Its hash is taken once, from the three strings,
    /// when it is made: an advance looks the key up as many as four times.
    public struct Key: Hashable, Sendable {
        /// The task.
        public let task: String
        /// The user.
        public let user: String
        /// The task's period key.
        public let period: String
        private let hash: Int

        init(task: String, user: String, period: String) {
            self.task = task
            self.user = user
            self.period = period
            var hasher = Hasher()
            hasher.combine(task)
            hasher.combine(user)
            hasher.combine(period)
            hash = hasher.finalize()
        }

        public static func == (a: Key, b: Key) -> Bool {
            a.hash == b.hash && a.user == b.user && a.task == b.task && a.period == b.period
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    /// What one entry changed, newest last, and where its completions begin: undone together
    /// when the entry fails.
    struct Undo {
        var steps: [(Key, (value: Int64, at: Int64)?)] = []
        var completionsMark = 0
    }

    /// Progress changed in the consumer's current batch, written once per key at the batch's
    /// end (`Tasks.flush`), so a busy viewer costs one row write per batch.
    var batch: [Key: (value: Int64, at: Int64)] = [:]
    /// `task_completed` facts reached in the current batch, in order: appended at its end,
    /// packed many to a row, with the cursor, so a replay after a crash derives them again
    /// exactly once.
    var completions: [(hostJSON: String, at: Int64)] = []
    /// Progress as the store holds it, for keys read or written lately, so a viewer's next gift
    /// does not read their row again. Filled from reads and from the flush; emptied when a write
    /// did not commit and when it grows past the cache's limit.
    var stored: [Key: Int64] = [:]
    /// The progress the last sealed batch writes, kept until the next seal whatever `stored`
    /// forgets: the next batch is prepared on a snapshot that may not hold it yet.
    var sealed: [Key: Int64] = [:]

    /// Adds `n` to the key's progress (capped at the final goal) and records `task_completed`
    /// for every stage it reaches. Returns false, changing nothing, when memory does not hold
    /// the key's progress: the caller reads the store and `remember`s it first.
    mutating func advance(_ def: TaskDefinition, _ key: Key, by n: Int64, at now: Int64, undo: inout Undo) -> Bool {
        let pending = batch[key]
        guard let before = pending?.value ?? sealed[key] ?? stored[key] else { return false }
        guard before < def.finalGoal else { return true }
        let (sum, overflow) = before.addingReportingOverflow(n)
        let after = overflow ? def.finalGoal : min(sum, def.finalGoal)
        if undo.steps.isEmpty { undo.completionsMark = completions.count }
        undo.steps.append((key, pending))
        batch[key] = (after, now)
        for stage in def.stages where before < stage.goal && stage.goal <= after {
            let fact = TaskCompleted(taskID: def.id, userID: key.user, stage: stage.stage, goal: stage.goal, period: key.period)
            completions.append((fact.json, now))
        }
        return true
    }

    /// Puts back what one failed entry changed.
    mutating func rollback(_ undo: Undo) {
        for (key, old) in undo.steps.reversed() { batch[key] = old }
        completions.removeSubrange(undo.completionsMark...)
    }

    /// Remembers stored progress, starting over past `max` keys.
    mutating func remember(_ rows: some Sequence<(Key, Int64)>, max: Int) {
        if stored.count >= max { stored.removeAll(keepingCapacity: true) }
        for (k, v) in rows { stored[k] = v }
    }
}
