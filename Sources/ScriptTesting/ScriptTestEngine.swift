import Books
import Engine
import EngineCore
import Foundation
import LiveOps
import Logging
import Scripting
import Showrunner
import Storage
import Synchronization

/// The engine one script test case runs on: the server's engine (`EngineParts.open`) on a
/// temporary SQLite file, fed by its `ConsumerRunner` from the journal as in a server, with
/// the generation under test and a fake clock. Fake events are real journal facts; each call
/// that appends one runs the consumers until they are caught up, so its effects are visible
/// when it returns.
final class ScriptTestEngine: Sendable {
    let folder: URL
    let store: Store
    /// The journal, parked events and other rows the engine reads and appends itself.
    let testStore: any ScriptTestStore
    let ledger: Ledger
    let scripts: ScriptRuntime
    let activities: Activities
    let tasks: Tasks
    let orders: Orders
    let consumers: ConsumerRunner
    let clock: ScriptTestClock
    let calendar: OperationsCalendar
    /// Numbers for fake send ids and grants, and the last parked event already reported.
    private let counters = Mutex((serial: Int64(0), parkedSeen: Int64(0)))

    private init(
        folder: URL, store: Store, testStore: any ScriptTestStore, ledger: Ledger, scripts: ScriptRuntime, activities: Activities,
        tasks: Tasks, orders: Orders, consumers: ConsumerRunner, clock: ScriptTestClock, calendar: OperationsCalendar
    ) {
        self.folder = folder
        self.store = store
        self.testStore = testStore
        self.ledger = ledger
        self.scripts = scripts
        self.activities = activities
        self.tasks = tasks
        self.orders = orders
        self.consumers = consumers
        self.clock = clock
        self.calendar = calendar
    }

    /// A fresh engine running `files` (the generation under test, already checked).
    /// - Parameters: files: the scripts; directory: the scripts folder (its name labels paths);
    ///   limits: the generation's budgets (the production ones); calendar: the operations time
    ///   zone; clock: the case's fake clock; logger: engine logs.
    /// - Throws: `StorageError`, `GenerationRejected`.
    static func open(
        files: [ScriptFile], directory: String, limits: ScriptLimits, calendar: OperationsCalendar, clock: ScriptTestClock,
        logger: Logger
    ) async throws -> ScriptTestEngine {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("showrunner-script-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            // The server's wiring (`EngineParts.open`) on throwaway data: no fsync, one VM, the
            // case's fake clock, and one attempt per event so a failing handler is parked at once
            // and reported to the test.
            var options = EngineOptions(databasePath: folder.appendingPathComponent("engine.sqlite").path, scriptsPath: directory)
            options.synchronous = .off
            options.limits = limits
            options.limits.vmCount = 1
            options.calendar = calendar
            options.clock = clock
            options.archivesGenerations = false
            options.consumerAttemptsMax = 1
            let engine = try EngineParts.open(options, logger: logger)
            try await engine.activate(files, trigger: "test")
            return ScriptTestEngine(
                folder: folder, store: engine.store, testStore: SQLiteScriptTestStore(engine.store, ledger: engine.ledger),
                ledger: engine.ledger, scripts: engine.scripts, activities: engine.activities,
                tasks: engine.tasks, orders: engine.orders, consumers: engine.consumers, clock: clock, calendar: calendar)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// Closes the store and deletes its files.
    func close() {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A number unique within this engine, for fake ids.
    func serial() -> Int64 {
        counters.withLock { c in
            c.serial += 1
            return c.serial
        }
    }

    // MARK: facts

    /// Appends a fact at the clock's time, then settles the consumers.
    /// - Returns: the entries parked on the way (handlers that failed).
    func append(type: String, payload: some Encodable & Sendable, idempotencyKey: String? = nil) async throws -> [ParkedEvent] {
        let now = clock.nowMillis()
        _ = try await testStore.write { tx in try tx.journal.append(type: type, payload: payload, idempotencyKey: idempotencyKey, at: now) }
        return try await settle()
    }

    /// Appends the tick of the clock's minute (once per minute, as the server's ticker), then settles.
    func tick() async throws -> [ParkedEvent] {
        try await Ticker.tick(store, at: clock.nowMillis())
        return try await settle()
    }

    /// Runs the consumers until every one is caught up.
    /// - Returns: the entries parked since the last call (handlers that failed).
    /// - Throws: `RequestError` `consumers_behind` when a consumer is still behind afterwards
    ///   (an engine bug: `drain` must not stop early); storage errors.
    func settle() async throws -> [ParkedEvent] {
        try await consumers.drain()
        let behind = try await consumers.lag().filter { $0.value != 0 }
        guard behind.isEmpty else {
            throw RequestError("consumers_behind", .internalFailure, "journal consumers still behind after draining: \(behind)")
        }
        let seen = counters.withLock { $0.parkedSeen }
        let parked = try await testStore.read { tx in try tx.parkedEvents(after: seen) }
        if let last = parked.last { counters.withLock { $0.parkedSeen = last.id } }
        return parked
    }
}
