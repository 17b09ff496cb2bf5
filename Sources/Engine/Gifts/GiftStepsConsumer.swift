import Books
import EngineCore
import Foundation
import Scripting

/// Runs the `after_commit` steps of every durable gift, from the journal with a durable cursor:
/// a crash replays from the cursor and each step's effects apply exactly once (they commit with
/// the cursor). Randomness is seeded from the journal offset and the step id, so a replay draws
/// the same.
///
/// A gift an operator refunded before its steps ran gets none of them: no tickets, no lucky
/// refund, no announcement. Granting effects to a refunded gift only to take them back (or to
/// list them for manual handling when a step declares no `on_refund`) would leave finance with
/// work and a window where the viewer holds them; so the refund and the steps commute. The skip
/// is recorded as a `gift_steps_skipped` fact naming the gift and the steps not run.
public struct GiftStepsConsumer: OffWriterConsumer {
    /// Journal type of the record that a refunded gift's steps were not run.
    public static let skippedType = "gift_steps_skipped"
    /// The lane of the script generation's VMs its steps use off the writer.
    static let lane = 2

    public let name = "gift-steps"
    public let types: Set<String>? = [GiftSender.giftType]
    let store: any GiftStepsStore
    let scripts: ScriptRuntime
    let effects: EffectApplier
    let events: HandlerEvents

    /// - Parameters: store: the refund records and the live-ops tables the steps' effects go
    ///   to (the consumers' runner must run on the same store); scripts: the running generation;
    ///   ledger: where grants go; calendar: the operations day (fan medals' daily cap); events:
    ///   the parsed gifts, shared with the other consumers of the store (a gift is parsed once for
    ///   all of them).
    public init(
        store: any GiftStepsStore, scripts: ScriptRuntime, ledger: Ledger, calendar: OperationsCalendar = OperationsCalendar(),
        events: HandlerEvents = HandlerEvents()
    ) {
        self.store = store
        self.scripts = scripts
        self.effects = EffectApplier(ledger: ledger, calendar: calendar)
        self.events = events
    }

    public func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        var onWriter: DeferredWrites?
        try run(entry, in: store.transaction(tx), deferred: &onWriter)
    }

    /// The steps run on a read snapshot, in the consumer's own VM lane; their effects (grants,
    /// fan points, notices, room events) and the refund check run on the writer, in the
    /// transaction that moves the cursor. A step that reads host state (`ctx.balance` and the
    /// like, which must see every write before it) sends its gift to the writer.
    public func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
        let snapshot = store.transaction(tx)
        try DeferredWrites.lend(&writes) { deferred in try run(entry, in: snapshot, deferred: &deferred) }
    }

    /// The steps keep no state of their own between gifts: nothing to write at a batch's end.
    public func seal() -> @Sendable (any StoreTransaction) throws -> Void { { _ in } }

    /// Runs `entry`'s steps; with `deferred` (off the writer), appends their effects there.
    private func run(_ entry: JournalEntry, in tx: any GiftStepsTransaction, deferred: inout DeferredWrites?) throws {
        guard let generation = scripts.current else { return }
        // The gift as handlers see it, written straight into each step's table (no `LuaValue`
        // in between); the steps and their handlers are resolved once per generation.
        let event = try events.handlerEvent(entry)
        guard let giftID = event.giftID else { throw JournalError.invalidPayload(reason: "offset \(entry.offset): a gift without 'gift_id'") }
        let steps = GiftSteps.afterCommitSteps(generation).filter { $0.applies(to: giftID) }
        guard !steps.isEmpty else { return }
        // Refunded already (a refund is never undone): no step runs, here or on the writer.
        if try tx.isRefunded(offset: entry.offset) {
            if deferred != nil {
                deferred!.append { tx in try Self.skip(entry, steps, in: tx) }
            } else {
                try Self.skip(entry, steps, in: tx)
            }
            return
        }
        let offWriter = deferred != nil
        let writerOnly = offWriter ? WriterOnlyReads() : nil
        let reads: any ScriptReads = writerOnly ?? tx.handlerReads(ledger: effects.ledger, calendar: effects.calendar)
        var called: [(ctx: CallContext, id: String)] = []
        for step in steps {
            let id = step.declaration.id
            let ctx = CallContext(
                script: step.declaration.address, nowMillis: entry.createdAt, seed: Seeds.seed(offset: entry.offset, name: id),
                reads: reads, config: step.config)
            let call = { (vm: LuaVM) throws in _ = try vm.call(step.handler, event: event, context: ctx) }
            let result = Result { try offWriter ? generation.withLaneVM(Self.lane, call) : generation.withTransactionVM(call) }
            // Whatever the script made of the refusal (a pcall may have caught it), a step that
            // needed the writer sends the gift there as a whole.
            if writerOnly?.used == true { throw NeedsWriter("gift step \(id) reads host state") }
            try result.get()
            if offWriter {
                called.append((ctx, id))
            } else {
                try effects.apply(ctx, origin: "gift:\(entry.offset):\(id)", ownLedgerIn: tx, at: entry.createdAt)
            }
        }
        guard offWriter else { return }
        let effects = self.effects
        // The writes take the writer's transaction's gift-steps part when they run.
        deferred!.append { [store] tx in
            let tx = store.transaction(tx)
            // A refund committed after the snapshot the steps ran on: as on the writer, they do
            // not apply (the refund found none of their grants to reverse).
            if try tx.isRefunded(offset: entry.offset) { return try Self.skip(entry, steps, in: tx) }
            for (ctx, id) in called { try effects.apply(ctx, origin: "gift:\(entry.offset):\(id)", ownLedgerIn: tx, at: entry.createdAt) }
        }
    }

    /// Journals that the refunded gift at `entry` did not get `steps` (once: keyed by its offset).
    private static func skip(_ entry: JournalEntry, _ steps: [GiftSteps.AfterCommit], in tx: any StoreTransaction) throws {
        let skipped = GiftStepsSkipped(
            giftOffset: entry.offset, sendID: try entry.giftReceipt().sendID, steps: steps.map(\.declaration.id), reason: "refunded")
        _ = try tx.journal.append(type: skippedType, payload: skipped, idempotencyKey: "\(skippedType):\(entry.offset)", at: entry.createdAt)
    }
}

/// The `gift_steps_skipped` fact: the `after_commit` steps a refunded gift did not get.
public struct GiftStepsSkipped: Sendable, Codable, Equatable {
    /// Journal offset of the gift.
    public var giftOffset: Int64
    /// The send's id.
    public var sendID: String
    /// Ids of the steps not run, in their declared order.
    public var steps: [String]
    /// Why: `refunded`.
    public var reason: String

    /// Creates the fact.
    public init(giftOffset: Int64, sendID: String, steps: [String], reason: String) {
        self.giftOffset = giftOffset
        self.sendID = sendID
        self.steps = steps
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case giftOffset = "gift_offset"
        case sendID = "send_id"
        case steps, reason
    }
}
