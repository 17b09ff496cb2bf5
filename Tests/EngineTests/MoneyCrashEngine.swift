import EngineTesting
import GRDB
import Synchronization
@testable import Engine

/// The money parts of an engine over one database file, opened (and reopened after a crash)
/// as a server opens them: store, scripts, ledger, gift sender and refunds, top-ups, and the
/// gift-steps consumer behind a runner with small batches.
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
    static func open(path: String, scriptsPath: String, clock: ManualClock) async throws -> MoneyEngine {
        let store = try Store(StoreConfiguration(path: path, synchronous: .off), logger: .quiet())
        let scripts = ScriptRuntime(
            directory: scriptsPath, archive: StoreGenerationArchive(store: store), logger: .quiet(),
            clock: { clock.nowMillis() })
        let loaded = await scripts.reload(trigger: "open")
        precondition(loaded.ok, "test scripts must load: \(loaded.problems)")
        let ledger = Ledger(store: store, clock: clock)
        let rooms = RoomDirectory(store: store, clock: clock)
        let steps = FaultyConsumer(inner: GiftStepsConsumer(scripts: scripts, ledger: ledger))
        return MoneyEngine(
            store: store, ledger: ledger,
            sender: GiftSender(store: store, ledger: ledger, rooms: rooms, scripts: scripts, clock: clock),
            refunds: GiftRefunds(store: store, ledger: ledger, scripts: scripts, clock: clock),
            topUps: TopUps(store: store, ledger: ledger, secret: paymentSecret, clock: clock),
            steps: steps,
            runner: ConsumerRunner(store: store, consumers: [steps], batchSize: 2, clock: clock, logger: .quiet()))
    }

    /// Two rooms with their streamers, two gifts, and a table whose deferred foreign key lets
    /// a test make one group commit fail at COMMIT.
    func seed() async throws {
        let rooms = RoomDirectory(store: store)
        _ = try await rooms.create(NewRoom(id: "r0", streamerID: "s0", title: "Zero", category: "chat"))
        _ = try await rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "One", category: "music"))
        let catalog = GiftCatalog(store: store)
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

/// The gift-steps consumer, told to fail fatally (as a crash would) after applying its n-th
/// entry from now: the entry's effects are written, then the whole batch must roll back.
struct FaultyConsumer: JournalConsumer {
    final class Plan: Sendable {
        let countdown = Mutex<Int?>(nil)
    }

    let inner: GiftStepsConsumer
    let plan = Plan()
    var name: String { inner.name }
    var types: Set<String>? { inner.types }

    /// Crash after the `n`-th entry applied from now (nil: never).
    func crash(after n: Int?) { plan.countdown.withLock { $0 = n } }

    func apply(_ entry: JournalEntry, in db: Database) throws {
        try inner.apply(entry, in: db)
        let fire = plan.countdown.withLock { countdown -> Bool in
            guard let n = countdown else { return false }
            countdown = n == 1 ? nil : n - 1
            return n == 1
        }
        if fire { throw SimulatedCrash() }
    }
}
