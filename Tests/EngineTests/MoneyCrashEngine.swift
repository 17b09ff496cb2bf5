@testable import Books
import EngineTesting
import GRDB
@testable import Rooms
@testable import Showrunner
@testable import Storage
import Synchronization
@testable import Engine

/// The money parts of an engine over one database file, opened (and reopened after a crash)
/// as a server opens them (`EngineParts.open`): store, scripts, ledger, gift sender and refunds,
/// top-ups, and the gift-steps consumer behind a fault injector and a runner with small batches.
/// `steps` shares the injector's plan, so arming it arms the consumer the runner drives.
struct MoneyEngine: Sendable {
    /// An after_commit step granting one ticket per gift (reversible on refund), and a
    /// validate step refusing sends of seven.
    static let scripts = [
        "gifts/tickets.lua": """
            return gift_step { id = 't', order = 1,
              after_commit = function(ctx, g) ctx.grant(g.sender_id, 'tickets', g.count, 'ticket exchange') end,
              on_refund = function(ctx, g, grant) return true end }
            """,
        "gifts/seven.lua": """
            return gift_step { id = 'seven', order = 2,
              validate = function(ctx, g) if g.count == 7 then return false, 'unlucky seven' end end }
            """,
    ]
    static let paymentSecret = String(repeating: "p", count: 32)

    let store: Store
    let ledger: Ledger
    let sender: GiftSender
    let refunds: GiftRefunds
    let topUps: TopUps
    let steps: FaultyConsumer
    let runner: ConsumerRunner

    /// Opens the database at `path` and loads `scriptsPath`.
    static func open(
        path: String, scriptsPath: String, clock: ManualClock, synchronous: StoreConfiguration.Synchronous = .off
    ) async throws -> MoneyEngine {
        // The server's wiring, with the gift-steps consumer only, behind a fault injector.
        var options = EngineOptions(databasePath: path, scriptsPath: scriptsPath)
        options.synchronous = synchronous
        options.paymentSecret = paymentSecret
        options.clock = clock
        options.consumers = .giftSteps
        options.consumerBatchSize = 2
        // Gift keys indexed every few sends: retries meet keys in the writer's memory, in the
        // index, and in a tail read again after a crash or a failed commit.
        options.giftKeysFlushAt = 3
        let plan = FaultyConsumer.Plan()
        options.wrapConsumer = { FaultyConsumer(inner: $0, plan: plan) }
        let engine = try EngineParts.open(options, logger: .quiet())
        let loaded = await engine.scripts.reload(trigger: "open")
        precondition(loaded.ok, "test scripts must load: \(loaded.problems)")
        return MoneyEngine(
            store: engine.store, ledger: engine.ledger, sender: engine.giftSender, refunds: engine.giftRefunds,
            topUps: engine.topUps, steps: FaultyConsumer(inner: GiftStepsConsumer(scripts: engine.scripts, ledger: engine.ledger), plan: plan),
            runner: engine.consumers)
    }

    /// Two rooms with their streamers, two gifts, and a table whose deferred foreign key lets
    /// a test make one group commit fail at COMMIT.
    func seed() async throws {
        let rooms = RoomDirectory(store: SQLiteRoomStore(store))
        _ = try await rooms.create(NewRoom(id: "r0", streamerID: "s0", title: "Zero", category: "chat"))
        _ = try await rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "One", category: "music"))
        let catalog = GiftCatalog(store: SQLiteGiftCatalogStore(store))
        _ = try await catalog.put(id: "rose", GiftEdit(name: "Rose", priceCoins: 10))
        _ = try await catalog.put(id: "box", GiftEdit(name: "Box", priceCoins: 100))
        try await store.write { db in
            try db.execute(sql: """
                CREATE TABLE crash_parent (id INTEGER PRIMARY KEY);
                CREATE TABLE crash_child (id INTEGER PRIMARY KEY,
                    parent_id INTEGER REFERENCES crash_parent(id) DEFERRABLE INITIALLY DEFERRED);
                """)
        }
    }

    /// A write that passes its own statement but breaks the deferred key at COMMIT, so the
    /// whole batch it lands in fails: the in-process stand-in for dying before COMMIT.
    func doomBatch() async -> Bool {
        do {
            try await store.write { db in try db.execute(sql: "INSERT INTO crash_child (parent_id) VALUES (42)") }
            return false
        } catch {
            return (error as? StorageError)?.code == "storage_commit_failed"
        }
    }
}

/// A consumer, told to fail fatally (as a crash would) after applying its n-th
/// entry from now: the entry's effects are written, then the whole batch must roll back.
struct FaultyConsumer: OffWriterConsumer {
    final class Plan: Sendable {
        let countdown = Mutex<Int?>(nil)

        /// Counts one entry down; true when the crash is due.
        func fires() -> Bool {
            countdown.withLock { countdown in
                guard let n = countdown else { return false }
                countdown = n == 1 ? nil : n - 1
                return n == 1
            }
        }
    }

    let inner: any JournalConsumer
    let plan: Plan
    var name: String { inner.name }
    var types: Set<String>? { inner.types }

    /// Crash after the `n`-th entry applied from now (nil: never).
    func crash(after n: Int?) { plan.countdown.withLock { $0 = n } }

    // Everything else is the inner consumer's: a wrapper that took the protocol's defaults
    // would never flush a consumer's batch state (the live-ops consumers keep theirs in memory).
    var replaysBatchOnFailure: Bool { inner.replaysBatchOnFailure }
    var writesInApply: Bool { inner.writesInApply }
    func settled(committed: Bool) { inner.settled(committed: committed) }
    func finishBatch(in tx: any StoreTransaction) throws { try inner.finishBatch(in: tx) }
    func batchRolledBack() { inner.batchRolledBack() }
    var widensBatches: Bool { inner.widensBatches }
    var pace: ConsumerPace { inner.pace }
    func seal() -> @Sendable (any StoreTransaction) throws -> Void {
        // Only reached after `prepare`, which hands any other consumer back to the writer.
        guard let inner = inner as? any OffWriterConsumer else { return { @Sendable _ in } }
        return inner.seal()
    }

    func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        try inner.apply(entry, in: tx)
        if plan.fires() { throw SimulatedCrash() }
    }

    /// Off the writer (when the inner consumer runs there), the crash comes where the writer
    /// path's does: after the entry's effects, on the writer, so the whole batch fails there
    /// after its handlers changed memory.
    func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
        guard let inner = inner as? any OffWriterConsumer else { throw NeedsWriter("the inner consumer runs on the writer") }
        try inner.prepare(entry, in: tx, writes: &writes)
        let plan = self.plan
        writes.append({ _ in if plan.fires() { throw SimulatedCrash() } })
    }
}
