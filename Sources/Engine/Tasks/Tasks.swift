import Foundation
import GRDB
import Logging
import Metrics
import Synchronization

/// A task as the host runs it: the plain data of its `task { ... }` declaration.
public struct TaskDefinition: Sendable, Hashable {
    /// One stage: reaching `goal` makes its rewards claimable.
    public struct Stage: Sendable, Hashable, Encodable {
        public let stage: Int
        public let goal: Int64
        public let title: String?
        public let rewards: [Reward]
    }
    public let id: String
    public let title: String?
    public let repeats: ResetPeriod
    public let stages: [Stage]
    public let window: ScheduleWindow
    public let handlers: Set<String>
    public let path: String

    /// The last stage's goal: progress stops counting there.
    public var finalGoal: Int64 { stages.last?.goal ?? 0 }

    /// Whether `millis` is inside the window.
    public func isLive(at millis: Int64) -> Bool { window.contains(millis) }

    /// The declaration's data; nil when it is not a task.
    public init?(_ d: Declaration) {
        guard d.kind == .task else { return nil }
        id = d.id
        title = d.title
        path = d.path
        repeats = ResetPeriod(rawValue: d.data.fields["repeats"]?.string ?? "once") ?? .once
        stages = (d.data.fields["stages"]?.table?.array ?? []).enumerated().map { i, s in
            Stage(
                stage: i + 1, goal: s["goal"].integer ?? 1, title: s["title"].string,
                rewards: (s["rewards"].table?.array ?? []).compactMap { try? Reward.parse($0).get() })
        }
        window = ScheduleWindow(d.data)
        handlers = Set(d.handlers)
    }
}

/// Refusals of task claims.
public struct TaskError: ShowrunnerError, Equatable {
    public let code: String
    public let kind: ErrorKind
    public let message: String
    init(_ code: String, _ kind: ErrorKind, _ message: String) {
        self.code = code
        self.kind = kind
        self.message = message
    }
}

/// Scripted tasks: progress from handlers run over the journal (`TaskConsumer`), stages
/// claimed by their users, rewards paid once.
public final class Tasks: Sendable {
    /// Journal facts.
    public static let completedType = "task_completed"
    public static let claimedType = "task_claimed"

    let store: Store
    let scripts: ScriptRuntime
    let ledger: Ledger
    /// Where days and weeks begin.
    public let calendar: OperationsCalendar
    let clock: any WallClock
    let effects: EffectApplier
    let payer: RewardPayer
    let logger: Logger
    private let cache = GenerationCache { $0.declarations.compactMap(TaskDefinition.init) }
    /// Which tasks handle each journal type, per generation.
    private let routes = GenerationCache { g in
        HandlerRoutes(
            g, definitions: g.declarations.compactMap(TaskDefinition.init), address: { ScriptAddress(.task, $0.id) }, handlers: \.handlers)
    }
    /// Handler tables of journal facts, shared with the activities consumer.
    let events: HandlerEvents

    struct ProgressKey: Hashable, Sendable {
        let task: String
        let user: String
        let period: String
    }
    /// Progress changed in the consumer's current batch, written once per key at the batch's
    /// end (`flush`), so a busy viewer costs one row write per batch. Only the consumer touches
    /// it, one batch at a time (off the writer while it prepares a batch, on it for the flush).
    private let batch = Mutex<[ProgressKey: (value: Int64, at: Int64)]>([:])
    /// `task_completed` facts reached in the consumer's current batch, in order: appended at
    /// its end (`flush`), packed many to a row, with the cursor, so a replay after a crash
    /// derives them again exactly once. Only the consumer touches it, one batch at a time.
    private let completions = Mutex<[(hostJSON: String, at: Int64)]>([])
    /// Progress as the store holds it, for keys read or written lately, so a viewer's next gift
    /// does not read their row again. Filled from reads and from `flush`; emptied when a write
    /// did not commit (`discardCommitted`) and when it grows past `progressCacheMax`.
    private let stored = Mutex<[ProgressKey: Int64]>([:])
    /// The progress the last sealed batch writes (`seal`), kept until the next seal whatever
    /// `stored` forgets: the next batch is prepared on a snapshot that may not hold it yet.
    private let sealed = Mutex<[ProgressKey: Int64]>([:])
    /// Most progress rows kept in memory by default.
    public static let defaultProgressCacheMax = 200_000
    /// Most progress rows kept in memory.
    let progressCacheMax: Int

    /// - Parameters: the engine's parts; calendar: the operations time zone; clock: claim time;
    ///   events: handler tables (share one with `Activities`); progressCacheMax: progress rows kept
    ///   in memory (at least 1).
    public init(
        store: Store, scripts: ScriptRuntime, ledger: Ledger, calendar: OperationsCalendar = OperationsCalendar(),
        clock: any WallClock = SystemWallClock(), events: HandlerEvents = HandlerEvents(),
        progressCacheMax: Int = Tasks.defaultProgressCacheMax, logger: Logger = Logger(label: "showrunner.tasks")
    ) {
        precondition(progressCacheMax >= 1, "progressCacheMax must be at least 1")
        self.progressCacheMax = progressCacheMax
        self.events = events
        self.store = store
        self.scripts = scripts
        self.ledger = ledger
        self.calendar = calendar
        self.clock = clock
        self.effects = EffectApplier(ledger: ledger, calendar: calendar)
        self.payer = RewardPayer(ledger: ledger)
        self.logger = logger
    }

    /// The tasks of the running generation.
    public func definitions() -> [TaskDefinition] { definitions(scripts.current) }

    func definitions(_ generation: ScriptGeneration?) -> [TaskDefinition] {
        generation.map(cache.value(for:)) ?? []
    }

    /// One task by id.
    /// - Throws: `TaskError` `task_not_found` (404).
    public func definition(_ id: String) throws -> TaskDefinition {
        guard let d = definitions().first(where: { $0.id == id }) else {
            throw TaskError("task_not_found", .notFound, "no task '\(id)'")
        }
        return d
    }

    // MARK: from the journal

    /// The lane of the script generation's VMs that the consumer's handlers use off the writer.
    static let lane = 1

    /// Runs the tasks that handle `entry`: progress in memory (written by `flush`), other effects
    /// through `db`.
    ///
    /// With `deferred`, runs off the writer on a read snapshot (`OffWriterConsumer.prepare`):
    /// progress as always, the other effects into `deferred`; a host read throws `NeedsWriter`.
    /// Either way, a throw leaves no memory change of this entry.
    func apply(_ entry: JournalEntry, in db: Database, deferred: inout DeferredWrites?) throws {
        guard let generation = scripts.current else { return }
        let handlers = routes.value(for: generation).routes(entry.type)
        guard !handlers.isEmpty else { return }
        var event: HandlerEvent?
        var undo: [(ProgressKey, (value: Int64, at: Int64)?)] = []
        let completionsMark = completions.withLock { $0.count }
        defer {
            // Undo this entry's progress, and the completions it reached, if it failed (`undo`
            // is emptied on success; only progress reaches a stage).
            if !undo.isEmpty {
                batch.withLock { b in for (k, old) in undo.reversed() { b[k] = old } }
                completions.withLock { $0.removeSubrange(completionsMark...) }
            }
        }
        for route in handlers where route.definition.isLive(at: entry.createdAt) {
            let def = route.definition
            if event == nil { event = try events.handlerEvent(entry) }
            let prefix = "task:\(def.id):"
            // The origin names the call in transfer ids and logs; progress never needs it.
            func origin() -> String { prefix + entry.name }
            let offWriter = deferred != nil
            let writerOnly = offWriter ? WriterOnlyReads() : nil
            let ctx = CallContext(
                script: route.address, nowMillis: entry.createdAt, seed: Seeds.seed(entry, prefix: prefix, suffix: ""),
                reads: writerOnly ?? LedgerReads(db: db, ledger: ledger, calendar: calendar))
            // A call declined off the writer runs again on the writer and logs there (at least once).
            var declined = offWriter
            defer { if !ctx.logs.isEmpty, !declined { ctx.emitLogs(to: logger, origin: origin()) } }
            do {
                let call = { (vm: LuaVM) throws in _ = try vm.call(route.handler, event: event!, context: ctx) }
                let result = Result { try offWriter ? generation.withLaneVM(Self.lane, call) : generation.withTransactionVM(call) }
                // A pcall may have caught the refusal: a call that needed the writer is declined whole.
                if writerOnly?.used == true { throw NeedsWriter("task \(def.id)") }
                try result.get()
                if offWriter {
                    // Progress now, in memory; the other effects on the writer, in order.
                    var others = false
                    for effect in ctx.effects {
                        guard case .progress(let user, let n) = effect else {
                            others = true
                            continue
                        }
                        try advance(def, user: user, by: n, in: db, at: entry.createdAt, undo: &undo)
                    }
                    if others {
                        let (effects, at) = (self.effects, entry.createdAt)
                        deferred!.append { db in try effects.apply(ctx, origin: origin(), in: db, at: at, progress: { _, _ in }) }
                    }
                } else {
                    try effects.apply(ctx, origin: origin(), in: db, at: entry.createdAt) { user, n in
                        try self.advance(def, user: user, by: n, in: db, at: entry.createdAt, undo: &undo)
                    }
                }
                declined = false
            } catch {
                if !offWriter {
                    Counter(label: "showrunner.tasks.handler_errors", dimensions: [("task", def.id)]).increment()
                    logger.warning("task handler failed", metadata: [
                        "task": "\(def.id)", "fact": "\(entry.name)", "error": "\(error)",
                    ])
                }
                throw error
            }
        }
        undo.removeAll()
    }

    /// The journal types the consumer reads now: those the running generation's tasks handle.
    func consumedTypes() -> Set<String> {
        guard let generation = scripts.current else { return [] }
        return routes.value(for: generation).types
    }

    /// The key's progress in the store (0 without a row), from memory when it was read or
    /// written lately.
    private func storedProgress(_ key: ProgressKey, in db: Database) throws -> Int64 {
        if let hit = sealed.withLock({ $0[key] }) ?? stored.withLock({ $0[key] }) { return hit }
        let value = try db.cachedStatement(sql: "SELECT progress FROM task_progress WHERE task = ? AND user_id = ? AND period = ?")
            .firstRowRaw(.text(key.task), .text(key.user), .text(key.period), read: { rawInt($0, 0) ?? 0 }) ?? 0
        remember([(key, value)])
        return value
    }

    private func remember(_ rows: some Sequence<(ProgressKey, Int64)>) {
        stored.withLock { cache in
            if cache.count >= progressCacheMax { cache.removeAll(keepingCapacity: true) }
            for (k, v) in rows { cache[k] = v }
        }
    }

    /// Forgets the remembered progress: a write that may have changed it did not commit.
    func discardStored() {
        stored.withLock { $0.removeAll() }
        sealed.withLock { $0.removeAll() }
    }

    /// Writes the batch's completions and progress; call at the end of the consumer's batch,
    /// inside its transaction.
    func flush(_ db: Database) throws {
        try take()(db)
    }

    /// Ends a batch prepared off the writer (`OffWriterConsumer.seal`): its completions and
    /// progress, and their write. The progress stays readable from memory until the next seal.
    func seal() -> @Sendable (Database) throws -> Void {
        take(pinning: true)
    }

    /// Takes the batch's completions and progress and returns their write. Remembered now; if
    /// the write does not commit, `settled(committed: false)` forgets everything remembered.
    private func take(pinning: Bool = false) -> @Sendable (Database) throws -> Void {
        let reached = completions.withLock { c in
            defer { c.removeAll(keepingCapacity: true) }
            return c
        }
        let rows = batch.withLock { b in
            defer { b.removeAll(keepingCapacity: true) }
            return b
        }
        remember(rows.lazy.map { ($0.key, $0.value.value) })
        // On the writer (no batch is in flight then) the pins go: they may be older than this.
        sealed.withLock { $0 = pinning ? rows.mapValues(\.value) : [:] }
        return { db in
            try Journal.appendPacked(db, type: Self.completedType, facts: reached)
            try Self.write(rows, in: db)
        }
    }

    private static func write(_ rows: [ProgressKey: (value: Int64, at: Int64)], in db: Database) throws {
        guard !rows.isEmpty else { return }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO task_progress (task, user_id, period, progress, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (task, user_id, period) DO UPDATE SET progress = excluded.progress, updated_at = excluded.updated_at
                """)
        for (k, v) in rows { try upsert.runRaw(.text(k.task), .text(k.user), .text(k.period), .int(v.value), .int(v.at)) }
    }

    /// Forgets unwritten progress and completions (the batch that made them did not commit).
    func discardBatch() {
        batch.withLock { $0.removeAll() }
        completions.withLock { $0.removeAll() }
    }

    /// Adds `n` to the user's progress in the current period (capped at the final goal) and
    /// records `task_completed` for every stage it reaches (journaled by `flush`).
    func advance(
        _ def: TaskDefinition, user: String, by n: Int64, in db: Database, at now: Int64,
        undo: inout [(ProgressKey, (value: Int64, at: Int64)?)]
    ) throws {
        let period = calendar.key(def.repeats, at: now)
        let key = ProgressKey(task: def.id, user: user, period: period)
        let pending = batch.withLock { $0[key] }
        let before = try pending?.value ?? storedProgress(key, in: db)
        guard before < def.finalGoal else { return }
        let (sum, overflow) = before.addingReportingOverflow(n)
        let after = overflow ? def.finalGoal : min(sum, def.finalGoal)
        undo.append((key, pending))
        batch.withLock { $0[key] = (after, now) }
        let reached = def.stages.filter { before < $0.goal && $0.goal <= after }
        guard !reached.isEmpty else { return }
        completions.withLock { c in
            for stage in reached {
                c.append((TaskCompleted(taskID: def.id, userID: user, stage: stage.stage, goal: stage.goal, period: period).json, now))
            }
        }
    }

    // MARK: users

    /// The caller's tasks that are live now, with progress and what can be claimed.
    public func list(user: String) async throws -> [TaskStatus] {
        let now = clock.nowMillis()
        let defs = definitions().filter { $0.isLive(at: now) }
        let calendar = self.calendar
        return try await store.read { db in
            try defs.map { def in try Self.status(def, user: user, period: calendar.key(def.repeats, at: now), in: db) }
        }
    }

    static func status(_ def: TaskDefinition, user: String, period: String, in db: Database) throws -> TaskStatus {
        let progress = try Int64.fetchOne(
            db, sql: "SELECT progress FROM task_progress WHERE task = ? AND user_id = ? AND period = ?",
            arguments: [def.id, user, period]) ?? 0
        let claimed = Set(try Int.fetchAll(
            db, sql: "SELECT stage FROM task_claims WHERE task = ? AND user_id = ? AND period = ?", arguments: [def.id, user, period]))
        let stages = def.stages.map { s in
            TaskStatus.StageStatus(
                stage: s.stage, goal: s.goal, title: s.title, rewards: s.rewards,
                state: claimed.contains(s.stage) ? "claimed" : progress >= s.goal ? "claimable" : "in_progress")
        }
        return TaskStatus(
            id: def.id, title: def.title, repeats: def.repeats.rawValue, period: period, progress: progress, stages: stages)
    }

    /// Pays a reached stage once.
    /// - Throws: `TaskError`: `task_not_found` (404), `invalid_stage` (400), `stage_not_reached`
    ///   and `already_claimed` (409), `task_not_live` (409); ledger errors (unknown asset).
    public func claim(user: String, taskID: String, stage: Int) async throws -> TaskClaim {
        let def = try definition(taskID)
        guard (1...max(def.stages.count, 1)).contains(stage), stage <= def.stages.count else {
            throw TaskError("invalid_stage", .badRequest, "stage must be 1...\(def.stages.count), got \(stage)")
        }
        let now = clock.nowMillis()
        guard def.isLive(at: now) else { throw TaskError("task_not_live", .conflict, "task '\(taskID)' is not live") }
        let period = calendar.key(def.repeats, at: now)
        let s = def.stages[stage - 1]
        let payer = self.payer
        let ledger = self.ledger
        return try await store.write { db in
            let progress = try Int64.fetchOne(
                db, sql: "SELECT progress FROM task_progress WHERE task = ? AND user_id = ? AND period = ?",
                arguments: [def.id, user, period]) ?? 0
            if try Int64.fetchOne(
                db, sql: "SELECT claimed_at FROM task_claims WHERE task = ? AND user_id = ? AND period = ? AND stage = ?",
                arguments: [def.id, user, period, stage]) != nil
            {
                throw TaskError("already_claimed", .conflict, "stage \(stage) of '\(def.id)' was already claimed for \(period)")
            }
            guard progress >= s.goal else {
                throw TaskError("stage_not_reached", .conflict, "stage \(stage) of '\(def.id)' needs \(s.goal), progress is \(progress)")
            }
            let rewardsJSON = String(decoding: try JSONEncoder().encode(s.rewards), as: UTF8.self)
            try db.execute(
                sql: "INSERT INTO task_claims (task, user_id, period, stage, claimed_at, rewards) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [def.id, user, period, stage, now, rewardsJSON])
            try payer.pay(
                db, user: user, rewards: s.rewards, origin: "task:\(def.id):\(user):\(period):\(stage)",
                memo: "task \(def.id) stage \(stage)", at: now)
            _ = try Journal.append(
                db, type: Self.claimedType,
                payload: TaskCompleted(taskID: def.id, userID: user, stage: stage, goal: s.goal, period: period), at: now)
            return TaskClaim(
                task: def.id, stage: stage, period: period, rewards: s.rewards, balances: try ledger.balances(db, user: user))
        }
    }
}

/// The `task_completed` (and `task_claimed`) fact.
public struct TaskCompleted: Sendable, Codable, Hashable {
    public let taskID: String
    public let userID: String
    public let stage: Int
    public let goal: Int64
    public let period: String
    enum CodingKeys: String, CodingKey {
        case stage, goal, period
        case taskID = "task_id"
        case userID = "user_id"
    }

    /// The fact's JSON, as `JSONEncoder` with sorted keys would write it.
    var json: String {
        var out = JSONBytes(capacity: 64 + period.utf8.count + taskID.utf8.count + userID.utf8.count)
        out.raw("{\"goal\":")
        out.int(goal)
        out.raw(",\"period\":")
        out.quoted(period)
        out.raw(",\"stage\":")
        out.int(Int64(stage))
        out.raw(",\"task_id\":")
        out.quoted(taskID)
        out.raw(",\"user_id\":")
        out.quoted(userID)
        out.raw("}")
        return out.text
    }
}

/// A user's view of one task.
public struct TaskStatus: Sendable, Encodable, Equatable {
    public struct StageStatus: Sendable, Encodable, Equatable {
        public let stage: Int
        public let goal: Int64
        public let title: String?
        public let rewards: [Reward]
        /// `in_progress`, `claimable` or `claimed`.
        public let state: String
    }
    public let id: String
    public let title: String?
    public let repeats: String
    public let period: String
    public let progress: Int64
    public let stages: [StageStatus]
}

/// A paid claim.
public struct TaskClaim: Sendable, Encodable, Equatable {
    public let task: String
    public let stage: Int
    public let period: String
    public let rewards: [Reward]
    public let balances: [String: Int64]
}

/// Runs task handlers from the journal with a durable cursor.
public struct TaskConsumer: OffWriterConsumer {
    public let name = "tasks"
    /// The types the running generation's tasks handle: a fact nothing handles (the tasks'
    /// own `task_completed`, unless a task counts them) is not read at all (a reload takes
    /// effect from the next batch).
    public var types: Set<String>? { tasks.consumedTypes() }
    let tasks: Tasks

    /// - Parameter tasks: the engine.
    public init(tasks: Tasks) { self.tasks = tasks }

    public func apply(_ entry: JournalEntry, in db: Database) throws {
        var onWriter: DeferredWrites?
        try tasks.apply(entry, in: db, deferred: &onWriter)
    }

    public func prepare(_ entry: JournalEntry, in db: Database, writes: inout DeferredWrites) throws {
        try DeferredWrites.lend(&writes) { deferred in try tasks.apply(entry, in: db, deferred: &deferred) }
    }

    public func finishBatch(in db: Database) throws {
        try tasks.flush(db)
    }

    public func seal() -> @Sendable (Database) throws -> Void { tasks.seal() }

    public func settled(committed: Bool) {
        if !committed {
            tasks.discardBatch()
            tasks.discardStored()
        }
    }

    /// Progress is written only at the batch's end: the rolled-back batch's is simply dropped.
    public func batchRolledBack() {
        tasks.discardBatch()
    }

    /// State lives in memory and is written at the batch's end: while behind, one transaction
    /// reads pages up to the runner's checkpoint interval.
    public var widensBatches: Bool { true }
}
