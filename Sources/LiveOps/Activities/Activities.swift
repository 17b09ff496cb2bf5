import Books
import EngineCore
import Foundation
import Logging
import Metrics
import Scripting
import Synchronization

/// Scripted activities: their handlers run from the journal (through `ActivityConsumer`),
/// their leaderboards live in `Leaderboards`, their chests and wheels pay from the promotions
/// account. Also what the routes read: live activities, published odds, board pages, spins.
public final class Activities: Sendable {
    /// Journal fact types.
    public static let tickType = "tick"
    public static let chestOpenedType = "chest_opened"
    public static let wheelSpunType = "wheel_spun"
    public static let periodClosedType = "leaderboard_period_closed"
    public static let activityEndedType = "activity_ended"
    /// Journal types handlers may subscribe to (`on = { gift = ... }`), by handler event name.
    public static let handledTypes: Set<String> = Set(DeclarationSchemas.events)

    let store: any LiveOpsStore
    let scripts: ScriptRuntime
    let ledger: Ledger
    /// Every board of every activity.
    public let leaderboards: Leaderboards
    /// Where days, weeks and months begin.
    public let calendar: OperationsCalendar
    let effects: EffectApplier
    let payer: RewardPayer
    let logger: Logger
    /// Where changed boards are marked for the rooms' live `leaderboard` events.
    public let feed: LeaderboardFeed
    private let cache = GenerationCache { ActivityDefinition.all($0) }
    /// Which activities handle each journal type, per generation.
    private let routes = GenerationCache { g in
        HandlerRoutes(g, definitions: ActivityDefinition.all(g), address: { ScriptAddress(.activity, $0.id) }, handlers: \.handlers)
    }
    /// Chest progress, written once per changed owner per batch.
    let chests = ChestProgress()
    /// Handler tables of journal facts, shared with the tasks consumer.
    let events: HandlerEvents
    /// Memory changes of the consumer's current batch, so the whole batch can be undone when
    /// the runner rolls it back. Only the consumer touches it, one batch at a time (on the writer,
    /// or off it while it prepares a batch).
    private let batchUndo = Mutex(BoardUndo())

    /// - Parameters: store: the live-ops tables (its transactions' ledger part should be
    ///   `ledger`); scripts, ledger: the engine; leaderboards: the book (shared with routes);
    ///   calendar: the operations time zone; events: handler tables (share one with `Tasks`).
    public init(
        store: any LiveOpsStore, scripts: ScriptRuntime, ledger: Ledger, leaderboards: Leaderboards = Leaderboards(),
        calendar: OperationsCalendar = OperationsCalendar(), feed: LeaderboardFeed = LeaderboardFeed(),
        events: HandlerEvents = HandlerEvents(), logger: Logger = Logger(label: "showrunner.activities")
    ) {
        self.events = events
        self.feed = feed
        self.store = store
        self.scripts = scripts
        self.ledger = ledger
        self.leaderboards = leaderboards
        self.calendar = calendar
        self.effects = EffectApplier(ledger: ledger, calendar: calendar)
        self.payer = RewardPayer(ledger: ledger)
        self.logger = logger
    }

    /// Rebuilds the leaderboards from the store; call once before the consumers start.
    public func load() async throws {
        let book = leaderboards
        try await store.read { tx in try book.load(tx) }
    }

    /// The activities of the running generation (parsed once per generation).
    public func definitions() -> [ActivityDefinition] {
        definitions(scripts.current)
    }

    func definitions(_ generation: ScriptGeneration?) -> [ActivityDefinition] {
        generation.map(cache.value(for:)) ?? []
    }

    /// One activity by id.
    /// - Throws: `RequestError` `activity_not_found` (404).
    public func definition(_ id: String) throws -> ActivityDefinition {
        guard let d = definitions().first(where: { $0.id == id }) else {
            throw RequestError("activity_not_found", .notFound, "no activity '\(id)'")
        }
        return d
    }

    // MARK: from the journal

    /// The lane of the script generation's VMs that the consumer's handlers use off the writer.
    static let lane = 0

    /// Applies one journal entry to every activity that handles it (inside the consumer's
    /// transaction), and on `tick` closes due periods and ends due activities.
    ///
    /// With `deferred`, runs off the writer on a read snapshot (`OffWriterConsumer.prepare`):
    /// the writes go into `deferred` (a new board's period row among them); a tick or a host
    /// read throws `NeedsWriter`. Either way, a throw leaves no memory change of this entry.
    func apply(_ entry: JournalEntry, in tx: any LiveOpsTransaction, deferred: inout DeferredWrites?) throws {
        try leaderboards.reloadIfDirty(tx)
        guard let generation = scripts.current else { return }
        let isTick = entry.type == Self.tickType
        let handlers = routes.value(for: generation).routes(entry.type)
        guard isTick || !handlers.isEmpty else { return }
        let defs = definitions(generation)
        guard !defs.isEmpty else { return }
        if isTick, deferred != nil { throw NeedsWriter("a tick closes periods and ends activities") }
        let now = entry.createdAt
        // Memory changes made for this entry (board scores, chest progress, closed periods): if
        // any step fails, the store rolls the whole entry back, and so must memory.
        var done = BoardUndo()
        let chestMark = chests.mark()
        do {
            if isTick {
                for def in defs { try closePeriods(def, generation, entry, in: tx, undo: &done) }
            }
            var event: HandlerEvent?
            for route in handlers where route.definition.isLive(at: now) {
                if event == nil { event = try events.handlerEvent(entry) }
                done.append(contentsOf: try run(
                    route.definition, generation, "on.\(entry.type)", id: route.handler, args: [], event: event, entry: entry, in: tx,
                    deferred: &deferred))
            }
            if isTick {
                for def in defs { try endIfDue(def, generation, entry, in: tx, undo: &done) }
            }
        } catch {
            leaderboards.rollback(done)
            chests.rollback(to: chestMark)
            throw error
        }
        if !done.isEmpty { batchUndo.withLock { $0.append(contentsOf: done) } }
    }

    /// The journal types the consumer reads now: those a live generation's activities handle,
    /// and `tick`.
    func consumedTypes() -> Set<String> {
        guard let generation = scripts.current else { return [Self.tickType] }
        return routes.value(for: generation).types.union([Self.tickType])
    }

    /// Puts memory back to the start of the consumer's batch (the runner rolled it back).
    func rollbackBatch() {
        leaderboards.rollback(batchUndo.withLock { u in
            defer { u.removeAll() }
            return u
        })
        chests.rollback(to: 0)
    }

    /// Drops the batch's undo log (the batch committed, or memory is rebuilt from the store).
    func forgetBatch() {
        batchUndo.withLock { $0.removeAll() }
        chests.forgetUndo()
    }

    /// Ends the consumer's batch: writes its board rows and chest progress; its memory
    /// changes are kept.
    func finishBatch(_ tx: any LiveOpsTransaction) throws {
        batchUndo.withLock { $0.removeAll() }
        try leaderboards.flush(tx)
        try chests.flush(tx)
        chests.forgetUndo()
    }

    /// Ends a batch prepared off the writer in memory (`OffWriterConsumer.seal`): the board rows
    /// and chest progress it changed, as memory holds them now, and their write.
    func seal() -> @Sendable (any StoreTransaction) throws -> Void {
        batchUndo.withLock { $0.removeAll() }
        let boardRows = leaderboards.sealFlush()
        let chestRows = chests.sealRows()
        let store = self.store
        return { tx in
            let liveOps = store.transaction(tx)
            try boardRows(liveOps)
            try chestRows(liveOps)
        }
    }

    /// Forgets memory that may be ahead of the store (a batch write did not commit).
    func discardUncommitted() {
        leaderboards.markDirty()
        chests.discard()
    }

    /// Runs one handler of one activity; its effects commit with the caller's transaction, or
    /// none of them do. `id` is the handler resolved for the generation, when the caller has it.
    func run(
        _ def: ActivityDefinition, _ generation: ScriptGeneration, _ handler: String, id: HandlerID? = nil, args: [LuaValue],
        entry: JournalEntry, in tx: any LiveOpsTransaction, periods: [String: String] = [:]
    ) throws -> BoardUndo {
        var onWriter: DeferredWrites?
        return try run(def, generation, handler, id: id, args: args, event: nil, entry: entry, in: tx, periods: periods, deferred: &onWriter)
    }

    /// `run`, off the writer when `deferred` is given: the handler runs in the consumer's lane
    /// VM, reads nothing from the host, and its payments and facts go into `deferred`. With
    /// `event` (and `id`), the handler is called with the journal fact's table, written straight
    /// into Lua, and `args` is ignored.
    func run(
        _ def: ActivityDefinition, _ generation: ScriptGeneration, _ handler: String, id: HandlerID? = nil, args: [LuaValue],
        event: HandlerEvent?, entry: JournalEntry, in tx: any LiveOpsTransaction, periods: [String: String] = [:],
        deferred: inout DeferredWrites?
    ) throws -> BoardUndo {
        let offWriter = deferred != nil
        let writerOnly = offWriter ? WriterOnlyReads() : nil
        let address = ScriptAddress(.activity, def.id)
        var suffix = ":\(handler)"
        // One tick may close several periods: each on_period_end pays (and draws) under its own origin.
        if handler == "on_period_end", let (board, period) = periods.first { suffix += ":\(board):\(period)" }
        let prefix = def.originPrefix
        // The origin names the call in transfer ids and logs; it is spelled out only when needed.
        func origin() -> String { prefix + entry.name + suffix }
        let ctx = CallContext(
            script: address, nowMillis: entry.createdAt, seed: Seeds.seed(entry, prefix: prefix, suffix: suffix),
            reads: writerOnly ?? tx.handlerReads(ledger: ledger, calendar: calendar), config: def.config)
        let boards = ActivityBoards(
            tx: tx, book: leaderboards, activity: def, calendar: calendar, now: entry.createdAt, chests: chests,
            random: { [unowned ctx] n in ctx.draw(n) })
        boards.periodOverride = periods
        boards.offWriter = offWriter
        ctx.boards = boards
        // A call declined off the writer runs again on the writer and logs there. (A call that
        // succeeded off the writer logs again if its batch's writes then fail: at least once.)
        var declined = offWriter
        defer { if !ctx.logs.isEmpty, !declined { ctx.emitLogs(to: logger, origin: origin()) } }
        do {
            let call = { (vm: LuaVM) throws in
                if let id, let event {
                    _ = try vm.call(id, event: event, context: ctx)
                } else if let id {
                    _ = try vm.call(id, args: args, context: ctx)
                } else {
                    _ = try vm.call(address, handler, args: args, context: ctx)
                }
            }
            let result = Result { try offWriter ? generation.withLaneVM(Self.lane, call) : generation.withTransactionVM(call) }
            // Whatever the script made of the refusal (a pcall may have caught it), a call that
            // needed the writer is declined as a whole.
            if writerOnly?.used == true { throw NeedsWriter("activity \(def.id) \(handler)") }
            try result.get()
            let opened = boards.opened
            if offWriter {
                // The writes take the writer's transaction's live-ops part when they run.
                for write in boards.writes { deferred!.append { [store] tx in try write(store.transaction(tx)) } }
                if !opened.isEmpty || !ctx.effects.isEmpty {
                    let write = effectWrites(ctx, opened: opened, origin: origin(), at: entry.createdAt)
                    deferred!.append { [store] tx in try write(store.transaction(tx)) }
                }
            } else {
                try effectWrites(ctx, opened: opened, origin: origin(), at: entry.createdAt)(tx)
            }
            if !boards.undo.isEmpty, let room = event?.roomID ?? args.first?["room_id"].string ?? args.first?["room"].string {
                feed.mark(room: room, keys: boards.undo.changedBoards)
            }
            declined = false
        } catch {
            leaderboards.rollback(boards.undo)
            if !offWriter {
                Counter(label: "showrunner.activities.handler_errors", dimensions: [("activity", def.id)]).increment()
                logger.warning("activity handler failed", metadata: [
                    "activity": "\(def.id)", "handler": "\(handler)", "fact": "\(entry.name)", "error": "\(error)",
                ])
            }
            throw error
        }
        return boards.undo
    }

    /// The writes of a handler call that returned: its chests' rewards and `chest_opened` facts,
    /// and its other effects. Made only for a call that has some off the writer (most have none).
    private func effectWrites(_ ctx: CallContext, opened: [ChestOpening], origin: String, at: Int64) -> (any LiveOpsTransaction) throws -> Void {
        let (payer, effects) = (self.payer, self.effects)
        return { tx in
            // Chest rewards first, as when they were paid inside ctx.chest. A failure throws out
            // of the consumer's entry (or off-writer batch), which is rolled back whole: no
            // savepoint of their own needed.
            for o in opened {
                try payer.pay(
                    tx, user: o.owner, rewards: [o.reward], origin: "chest:\(o.activity):\(o.chest):\(o.owner):\(o.number)",
                    memo: "\(o.activity) chest \(o.chest)", at: at, callerRollsBack: true)
            }
            try effects.apply(ctx, origin: origin, ownLedgerIn: tx, at: at)
            for o in opened { try tx.journal.appendHostJSON(type: Self.chestOpenedType, json: o.jsonText, at: at) }
        }
    }

    /// Closes every calendar period of `def`'s boards that is over, running `on_period_end`
    /// once for each (the close and the rewards commit together).
    func closePeriods(
        _ def: ActivityDefinition, _ generation: ScriptGeneration, _ entry: JournalEntry, in tx: any LiveOpsTransaction, undo: inout BoardUndo
    ) throws {
        for (name, spec) in def.boards.sorted(by: { $0.key < $1.key }) where [.daily, .weekly, .monthly].contains(spec.reset) {
            let current = calendar.key(spec.reset, at: entry.createdAt)
            for period in leaderboards.openPeriods(scope: def.id, board: name, except: current) where period < current {
                undo.append(contentsOf: try closePeriod(def, generation, board: name, period: period, entry: entry, in: tx))
            }
        }
    }

    private func closePeriod(
        _ def: ActivityDefinition, _ generation: ScriptGeneration, board: String, period: String, entry: JournalEntry,
        in tx: any LiveOpsTransaction
    ) throws -> BoardUndo {
        let key = BoardKey(scope: def.id, board: board, period: period)
        var undo = BoardUndo()
        try leaderboards.close(tx, key, at: entry.createdAt, undo: &undo)
        do {
            if def.handlers.contains("on_period_end") {
                let info = LuaValue.table(LuaTable(fields: ["board": .string(board), "period": .string(period)]))
                let changed = try run(def, generation, "on_period_end", args: [info], entry: entry, in: tx, periods: [board: period])
                undo.append(contentsOf: changed)
            }
            try tx.journal.append(
                type: Self.periodClosedType, payload: ["activity": def.id, "board": board, "period": period],
                idempotencyKey: "period:\(def.id):\(board):\(period)", at: entry.createdAt)
        } catch {
            leaderboards.rollback(undo)
            throw error
        }
        return undo
    }

    /// Ends `def` once its window is over: freezes every board, closes the last periods (with
    /// their `on_period_end`), runs `on_end`, records the run; all in one transaction.
    func endIfDue(
        _ def: ActivityDefinition, _ generation: ScriptGeneration, _ entry: JournalEntry, in tx: any LiveOpsTransaction, undo: inout BoardUndo
    ) throws {
        guard let end = def.endsAt, entry.createdAt >= end else { return }
        guard try !tx.activityEnded(def.id) else { return }
        var last: [String: String] = [:]
        for (name, spec) in def.boards { last[name] = calendar.key(spec.reset, at: end - 1) }
        for (name, spec) in def.boards.sorted(by: { $0.key < $1.key }) where spec.reset != .never {
            for period in leaderboards.openPeriods(scope: def.id, board: name, except: "") {
                undo.append(contentsOf: try closePeriod(def, generation, board: name, period: period, entry: entry, in: tx))
            }
        }
        if def.handlers.contains("on_end") {
            undo.append(contentsOf: try run(def, generation, "on_end", args: [], entry: entry, in: tx, periods: last))
        }
        for (name, spec) in def.boards where spec.reset == .never {
            try leaderboards.close(tx, BoardKey(scope: def.id, board: name, period: calendar.key(.never, at: end)), at: entry.createdAt, undo: &undo)
        }
        try tx.recordActivityEnd(def.id, at: entry.createdAt, journalOffset: entry.offset)
        try tx.journal.append(
            type: Self.activityEndedType, payload: ["activity": def.id], idempotencyKey: "activity_ended:\(def.id)", at: entry.createdAt)
    }
}

/// Runs activity handlers from the journal with a durable cursor: every effect of one entry
/// commits with the cursor, so a crash replays the entry and nothing applies twice.
public struct ActivityConsumer: OffWriterConsumer {
    public let name = "activities"
    /// The types the running generation's activities handle, and `tick` (periods close and
    /// activities end on it): a fact nothing handles is not read at all (a reload takes effect
    /// from the next batch).
    public var types: Set<String>? { activities.consumedTypes() }
    let activities: Activities

    /// - Parameter activities: the engine.
    public init(activities: Activities) { self.activities = activities }

    public func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        var onWriter: DeferredWrites?
        try activities.apply(entry, in: activities.store.transaction(tx), deferred: &onWriter)
    }

    public func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
        let liveOps = activities.store.transaction(tx)
        try DeferredWrites.lend(&writes) { deferred in try activities.apply(entry, in: liveOps, deferred: &deferred) }
    }

    public func settled(committed: Bool) {
        activities.forgetBatch()
        if !committed { activities.discardUncommitted() }
    }

    public func finishBatch(in tx: any StoreTransaction) throws {
        try activities.finishBatch(activities.store.transaction(tx))
    }

    public func seal() -> @Sendable (any StoreTransaction) throws -> Void { activities.seal() }

    public func batchRolledBack() {
        activities.rollbackBatch()
    }

    /// State lives in memory and is written at the batch's end: while behind, one transaction
    /// reads pages up to the runner's checkpoint interval.
    public var widensBatches: Bool { true }

    /// Boards are pushed to rooms at most once a second, and a board's rows are written once a
    /// batch: the batches may be spaced wide.
    public var pace: ConsumerPace { .bulk }
}
