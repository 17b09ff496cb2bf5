import Books
import EngineCore
import Foundation
import Logging
import Metrics
import Scripting
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
    /// `task:<id>:`, how the origins of its handler calls begin (transfer ids, logs, seeds).
    let originPrefix: String

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
        originPrefix = "task:\(d.id):"
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

    package let store: any LiveOpsStore
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

    /// The consumer's progress, under one lock (one lock an advance). Only the consumer touches
    /// it, one batch at a time (off the writer while it prepares a batch, on it for the flush).
    private let progress = Mutex(TaskProgress())
    /// Most progress rows kept in memory by default.
    public static let defaultProgressCacheMax = 200_000
    /// Most progress rows kept in memory.
    let progressCacheMax: Int

    /// - Parameters: store: the live-ops tables (its transactions' ledger part should be
    ///   `ledger`); scripts, ledger: the engine's parts; calendar: the operations time zone;
    ///   clock: claim time; events: handler tables (share one with `Activities`);
    ///   progressCacheMax: progress rows kept in memory (at least 1).
    public init(
        store: any LiveOpsStore, scripts: ScriptRuntime, ledger: Ledger, calendar: OperationsCalendar = OperationsCalendar(),
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
    /// through `tx`.
    ///
    /// With `deferred`, runs off the writer on a read snapshot (`OffWriterConsumer.prepare`):
    /// progress as always, the other effects into `deferred`; a host read throws `NeedsWriter`.
    /// Either way, a throw leaves no memory change of this entry.
    func apply(_ entry: JournalEntry, in tx: any LiveOpsTransaction, deferred: inout DeferredWrites?) throws {
        guard let generation = scripts.current else { return }
        let handlers = routes.value(for: generation).routes(entry.type)
        guard !handlers.isEmpty else { return }
        var event: HandlerEvent?
        var undo = TaskProgress.Undo()
        defer {
            // Undo this entry's progress, and the completions it reached, if it failed (`undo`
            // is emptied on success; only progress reaches a stage).
            if !undo.steps.isEmpty { progress.withLock { $0.rollback(undo) } }
        }
        for route in handlers where route.definition.isLive(at: entry.createdAt) {
            let def = route.definition
            if event == nil { event = try events.handlerEvent(entry) }
            let prefix = def.originPrefix
            // The origin names the call in transfer ids and logs; progress never needs it.
            func origin() -> String { prefix + entry.name }
            let offWriter = deferred != nil
            let writerOnly = offWriter ? WriterOnlyReads() : nil
            let ctx = CallContext(
                script: route.address, nowMillis: entry.createdAt, seed: Seeds.seed(entry, prefix: prefix, suffix: ""),
                reads: writerOnly ?? tx.handlerReads(ledger: ledger, calendar: calendar))
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
                        try advance(def, user: user, by: n, in: tx, at: entry.createdAt, undo: &undo)
                    }
                    if others {
                        let (effects, at, store) = (self.effects, entry.createdAt, self.store)
                        deferred!.append { tx in
                            try effects.apply(ctx, origin: origin(), ownLedgerIn: store.transaction(tx), at: at, progress: { _, _ in })
                        }
                    }
                } else {
                    try effects.apply(ctx, origin: origin(), ownLedgerIn: tx, at: entry.createdAt) { user, n in
                        try self.advance(def, user: user, by: n, in: tx, at: entry.createdAt, undo: &undo)
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
        undo.steps.removeAll()
    }

    /// The journal types the consumer reads now: those the running generation's tasks handle.
    func consumedTypes() -> Set<String> {
        guard let generation = scripts.current else { return [] }
        return routes.value(for: generation).types
    }

    /// The key's progress in the store (0 without a row).
    private static func storedProgress(_ key: TaskProgress.Key, in tx: any LiveOpsTransaction) throws -> Int64 {
        try tx.taskProgress(task: key.task, user: key.user, period: key.period) ?? 0
    }

    /// Forgets the remembered progress: a write that may have changed it did not commit.
    func discardStored() {
        progress.withLock { p in
            p.stored.removeAll()
            p.sealed.removeAll()
        }
    }

    /// Writes the batch's completions and progress; call at the end of the consumer's batch,
    /// inside its transaction.
    func flush(_ tx: any LiveOpsTransaction) throws {
        try take()(tx)
    }

    /// Ends a batch prepared off the writer (`OffWriterConsumer.seal`): its completions and
    /// progress, and their write. The progress stays readable from memory until the next seal.
    func seal() -> @Sendable (any StoreTransaction) throws -> Void {
        let write = take(pinning: true)
        let store = self.store
        return { tx in try write(store.transaction(tx)) }
    }

    /// Takes the batch's completions and progress and returns their write. Remembered now; if
    /// the write does not commit, `settled(committed: false)` forgets everything remembered.
    private func take(pinning: Bool = false) -> @Sendable (any LiveOpsTransaction) throws -> Void {
        let cacheMax = progressCacheMax
        let (reached, rows) = progress.withLock { p in
            defer {
                p.completions.removeAll(keepingCapacity: true)
                p.batch.removeAll(keepingCapacity: true)
            }
            let rows = p.batch
            p.remember(rows.lazy.map { ($0.key, $0.value.value) }, max: cacheMax)
            // On the writer (no batch is in flight then) the pins go: they may be older than this.
            p.sealed = pinning ? rows.mapValues(\.value) : [:]
            return (p.completions, rows)
        }
        return { tx in
            try tx.appendPacked(type: Self.completedType, facts: reached)
            guard !rows.isEmpty else { return }
            try tx.saveTaskProgress(rows)
        }
    }

    /// Forgets unwritten progress and completions (the batch that made them did not commit).
    func discardBatch() {
        progress.withLock { p in
            p.batch.removeAll()
            p.completions.removeAll()
        }
    }

    /// Adds `n` to the user's progress in the current period (capped at the final goal) and
    /// records `task_completed` for every stage it reaches (journaled by `flush`).
    func advance(
        _ def: TaskDefinition, user: String, by n: Int64, in tx: any LiveOpsTransaction, at now: Int64, undo: inout TaskProgress.Undo
    ) throws {
        let key = TaskProgress.Key(task: def.id, user: user, period: calendar.key(def.repeats, at: now))
        if progress.withLock({ $0.advance(def, key, by: n, at: now, undo: &undo) }) { return }
        // Not in memory: read the store outside the lock, remember it, and advance from it.
        let value = try Self.storedProgress(key, in: tx)
        let cacheMax = progressCacheMax
        let advanced = progress.withLock { p in
            p.remember(CollectionOfOne((key, value)), max: cacheMax)
            return p.advance(def, key, by: n, at: now, undo: &undo)
        }
        precondition(advanced, "progress just remembered is in memory")
    }

    // MARK: users

    /// The caller's tasks that are live now, with progress and what can be claimed.
    public func list(user: String) async throws -> [TaskStatus] {
        let now = clock.nowMillis()
        let defs = definitions().filter { $0.isLive(at: now) }
        let calendar = self.calendar
        return try await store.read { tx in
            try defs.map { def in try Self.status(def, user: user, period: calendar.key(def.repeats, at: now), in: tx) }
        }
    }

    /// The user's view of `def` in `period`, read in `tx`.
    package static func status(_ def: TaskDefinition, user: String, period: String, in tx: any LiveOpsTransaction) throws -> TaskStatus {
        let progress = try tx.taskProgress(task: def.id, user: user, period: period) ?? 0
        let claimed = try tx.claimedStages(task: def.id, user: user, period: period)
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
        return try await store.write { tx in
            let progress = try tx.taskProgress(task: def.id, user: user, period: period) ?? 0
            if try tx.stageClaimed(task: def.id, user: user, period: period, stage: stage) {
                throw TaskError("already_claimed", .conflict, "stage \(stage) of '\(def.id)' was already claimed for \(period)")
            }
            guard progress >= s.goal else {
                throw TaskError("stage_not_reached", .conflict, "stage \(stage) of '\(def.id)' needs \(s.goal), progress is \(progress)")
            }
            let rewardsJSON = String(decoding: try JSONEncoder().encode(s.rewards), as: UTF8.self)
            try tx.saveTaskClaim(task: def.id, user: user, period: period, stage: stage, rewardsJSON: rewardsJSON, at: now)
            try payer.pay(
                tx, user: user, rewards: s.rewards, origin: "task:\(def.id):\(user):\(period):\(stage)",
                memo: "task \(def.id) stage \(stage)", at: now)
            try tx.journal.append(
                type: Self.claimedType,
                payload: TaskCompleted(taskID: def.id, userID: user, stage: stage, goal: s.goal, period: period), at: now)
            return TaskClaim(
                task: def.id, stage: stage, period: period, rewards: s.rewards, balances: try tx.ledger.balances(user: user))
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

    public func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        var onWriter: DeferredWrites?
        try tasks.apply(entry, in: tasks.store.transaction(tx), deferred: &onWriter)
    }

    public func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
        let liveOps = tasks.store.transaction(tx)
        try DeferredWrites.lend(&writes) { deferred in try tasks.apply(entry, in: liveOps, deferred: &deferred) }
    }

    public func finishBatch(in tx: any StoreTransaction) throws {
        try tasks.flush(tasks.store.transaction(tx))
    }

    public func seal() -> @Sendable (any StoreTransaction) throws -> Void { tasks.seal() }

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

    /// Progress is one row per owner and batch, read when a viewer opens their tasks: the
    /// batches may be spaced wide.
    public var pace: ConsumerPace { .bulk }
}
