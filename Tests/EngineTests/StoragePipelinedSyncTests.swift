@testable import Books
import Dispatch
import Foundation
import EngineTesting
import GRDB
import Logging
import MetricsTestKit
@testable import Rooms
@testable import Storage
import Synchronization
import Testing
@testable import Engine

/// `Synchronous.pipelined`: a commit is answered only after an fsync of the WAL begun after it,
/// while the writer goes on with the next batch.
@Suite struct StoragePipelinedSyncTests {
    /// Counts signals; `wait()` suspends until one is there and takes it. It never blocks a
    /// thread: a test that blocked one of the cooperative pool's threads (2 on a 2-core machine)
    /// while its own write needed one to queue could stall every test running beside it.
    final class Signals: Sendable {
        private struct State {
            var count = 0
            var waiters: [CheckedContinuation<Void, Never>] = []
        }
        private let state = Mutex(State())

        func signal() {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                guard !s.waiters.isEmpty else {
                    s.count += 1
                    return nil
                }
                return s.waiters.removeFirst()
            }
            waiter?.resume()
        }

        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    guard s.count > 0 else {
                        s.waiters.append(continuation)
                        return false
                    }
                    s.count -= 1
                    return true
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// A sync hook that blocks each sync until the test lets it go. The hook blocks the WAL sync's
    /// own queue, never a thread of the cooperative pool; the test awaits `entered`. A sync the
    /// test never lets go goes on after `holdMax` and counts in `stuck`, so a store that syncs
    /// more often than the test expects fails the test (`expectNoneStuck`) rather than hang it.
    final class Gate: Sendable {
        static let holdMax: DispatchTimeInterval = .seconds(30)
        let stuck = Atomic<Int>(0)
        let entered = Signals()
        let release = DispatchSemaphore(value: 0)
        let syncs = Atomic<Int>(0)
        /// The store's metrics.
        let metrics = TestMetrics()
        /// Writes answered so far.
        let answered = Atomic<Int>(0)
        var answers: Int { answered.load(ordering: .relaxed) }
        func hook() {
            syncs.add(1, ordering: .relaxed)
            entered.signal()
            if release.wait(timeout: .now() + Self.holdMax) == .timedOut { stuck.add(1, ordering: .relaxed) }
        }
        func expectNoneStuck(sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(stuck.load(ordering: .relaxed) == 0, "a sync the test did not expect was held", sourceLocation: sourceLocation)
        }
    }

    static func openStore(_ tmp: TemporaryDatabase, gate: Gate) throws -> Store {
        try Store(tmp.configuration(synchronous: .pipelined), logger: .quiet(), metrics: gate.metrics, willSyncWAL: gate.hook)
    }

    /// A store with a gate and a table `t`, made by a first write whose sync went through at once.
    static func openWithTable(_ tmp: TemporaryDatabase) async throws -> (Gate, Store) {
        let gate = Gate()
        let store = try openStore(tmp, gate: gate)
        gate.release.signal()
        try await store.write { db in try db.execute(sql: "CREATE TABLE t (i INTEGER)") }
        await gate.entered.wait()
        return (gate, store)
    }

    @Test("an answer waits for the WAL's fsync, which begins after the commit; the writer commits the next batch meanwhile")
    func answersWaitForTheSync() async throws {
        try await TemporaryDatabase.with { tmp in
            // The setup's own sync goes through at once.
            let (gate, store) = try await Self.openWithTable(tmp)
            let first = Task {
                try await store.write { db in try db.execute(sql: "INSERT INTO t VALUES (1)") }
                gate.answered.add(1, ordering: .relaxed)
            }
            // The first write committed and its sync began (and is held): readers see the row,
            // its writer has not been answered.
            await gate.entered.wait()
            #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t WHERE i = 1") } == 1)
            #expect(gate.answers == 0)
            // The writer is free: a second write commits while the first's sync is held.
            let second = Task {
                try await store.write { db in try db.execute(sql: "INSERT INTO t VALUES (2)") }
                gate.answered.add(1, ordering: .relaxed)
            }
            try await waitUntil { try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t WHERE i = 2") } == 1 }
            #expect(gate.answers == 0)
            // The first write's answer waits at least as long as its sync is held.
            try await Task.sleep(for: .milliseconds(20))
            gate.release.signal()
            try await first.value
            #expect(store.stats.durableWaitNanos >= 20_000_000)
            await gate.entered.wait()
            gate.release.signal()
            try await second.value
            #expect(gate.answers == 2)
            let syncs = gate.syncs.load(ordering: .relaxed)
            #expect(syncs == 3)
            #expect(store.walSync?.count == 3)
            gate.expectNoneStuck()
        }
    }

    @Test("a room hears of a gift only once the WAL's sync after its commit is done, off the writer and on it")
    func consumersReadOnlyDurableRows() async throws {
        for offWriter in [true, false] {
            try await TemporaryDatabase.with { tmp in
                let gate = Gate()
                let store = try Self.openStore(tmp, gate: gate)
                let bus = RoomBus()
                let start = bus.position(room: "r1")
                let runner = ConsumerRunner(
                    store: store, consumers: [RoomEventsConsumer(bus: bus)], checkpointInterval: .zero, offWriter: offWriter, logger: .quiet())
                func published() -> Int {
                    guard case .events(let frames) = bus.since(room: "r1", cursor: start) else { return -1 }
                    return frames.count
                }
                let write = Task {
                    try await store.write { db in
                        _ = try Journal.append(db, type: GiftSender.giftType, payloadJSON: OffWriterPublishAndEarningsTests.gift(1, room: "r1"), at: 1_000)
                    }
                }
                // Committed and visible, its sync held: a consumer's batch now reads nothing
                // and publishes nothing (its own commit then waits behind the held sync).
                await gate.entered.wait()
                #expect(try await store.read { db in try Journal.latestOffset(db) } == 1)
                #expect(store.durableJournalEnd == 0)
                let held = Task { try await runner.drainOnce() }
                try await waitUntil { store.stats.commits >= 2 }
                #expect(published() == 0)
                for _ in 0..<16 { gate.release.signal() }
                try await write.value
                #expect(store.durableJournalEnd == 1)
                let report = try await held.value
                #expect(report.applied == 0)
                try await runner.drain()
                #expect(published() == 1)
            }
        }
    }

    @Test("commits made while a sync runs share the next sync, and their callers are answered only after it")
    func commitsDuringASyncShareTheNext() async throws {
        try await TemporaryDatabase.with { tmp in
            let (gate, store) = try await Self.openWithTable(tmp)
            let first = Task { try await store.write { db in try db.execute(sql: "INSERT INTO t VALUES (0)") } }
            await gate.entered.wait()
            // The first write's sync is held. Three more writes commit, each in a commit of its
            // own, one after another, while it is.
            let commitsBefore = store.stats.commits
            var later: [Task<Void, any Error>] = []
            for i in 1...3 {
                later.append(Task {
                    try await store.write { db in try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [i]) }
                    gate.answered.add(1, ordering: .relaxed)
                })
                try await waitUntil { store.stats.commits == commitsBefore + i }
            }
            let commits = store.stats.commits
            #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 4)
            #expect(gate.answers == 0)
            gate.release.signal()
            try await first.value
            // One sync for the three: it began after all of them had committed.
            await gate.entered.wait()
            #expect(gate.answers == 0, "none is answered before the sync that covers it")
            gate.release.signal()
            for task in later { try await task.value }
            #expect(gate.answers == 3)
            #expect(gate.syncs.load(ordering: .relaxed) == 3)
            #expect(store.stats.walSyncs == 3 && store.stats.commits == commits)
            #expect(store.stats.walSyncNanos > 0)
            // The same figures on /metrics.
            #expect(try gate.metrics.expectCounter("showrunner.store.wal_syncs").totalValue == 3)
            #expect(try gate.metrics.expectCounter("showrunner.store.wal_sync_nanoseconds").totalValue == Int64(store.stats.walSyncNanos))
            // And each sync's own time, for the histogram.
            let durations = try gate.metrics.expectTimer(StoreMetrics.walSyncDurationLabel).values
            #expect(durations.count == 3 && durations.allSatisfy { $0 > 0 })
            #expect(durations.reduce(0, +) == Int64(store.stats.walSyncNanos))
            gate.expectNoneStuck()
        }
    }

    @Test("a write alone waits for the sync too")
    func writeAloneWaits() async throws {
        try await TemporaryDatabase.with { tmp in
            let gate = Gate()
            let store = try Self.openStore(tmp, gate: gate)
            let write = Task {
                try await store.writeAlone { db in try db.execute(sql: "CREATE TABLE t (i INTEGER)") }
                gate.answered.add(1, ordering: .relaxed)
            }
            await gate.entered.wait()
            #expect(gate.answers == 0)
            gate.release.signal()
            try await write.value
            #expect(gate.answers == 1)
            gate.expectNoneStuck()
        }
    }

    @Test("concurrent writers under pipelined syncs: every answer is in the reopened store; syncs never outnumber commits")
    func concurrentWritersSurviveReopen() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore(synchronous: .pipelined)
            let entries = try await withThrowingTaskGroup(of: JournalEntry.self) { group in
                for i in 0..<200 {
                    group.addTask { try await store.write { db in try Journal.append(db, type: "test", payload: Counter(i: i), at: 1) } }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let syncs = try #require(store.walSync?.count)
            #expect(syncs >= 1 && syncs <= store.stats.commits)
            try store.close()
            let reopened = try tmp.openStore()
            let stored = try await reopened.read { db in try Journal.read(db, after: 0, limit: 1_000) }
            #expect(Set(stored.map(\.offset)) == Set(entries.map(\.offset)) && stored.count == 200)
            // The other levels have no sync of their own.
            #expect(reopened.walSync == nil)
        }
    }

    @Test("once the WAL's fsync has failed, no later write is answered as durable, though later fsyncs succeed; the rows are not given to consumers as durable")
    func aFailedSyncFailsEveryLaterAnswer() async throws {
        try await TemporaryDatabase.with { tmp in
            // The third sync fails with EIO; every other succeeds.
            let calls = Atomic<Int>(0)
            let log = CapturedLog()
            log.logLevel = .critical
            let store = try Store(
                tmp.configuration(synchronous: .pipelined), logger: Logger(label: "store") { _ in log }, metrics: TestMetrics(),
                willSyncWAL: nil,
                syncWALFile: { fd in
                    guard calls.add(1, ordering: .relaxed).newValue == 3 else { return WALSync.fdatasyncFile(fd) }
                    errno = EIO
                    return -1
                })
            _ = try await store.write { db in try Journal.append(db, type: "test", payload: Counter(i: 1), at: 1) }
            _ = try await store.write { db in try Journal.append(db, type: "test", payload: Counter(i: 2), at: 1) }
            let durableBefore = store.durableJournalEnd
            #expect(durableBefore == 2)
            #expect(store.durabilityFailure == nil)
            for i in 3...5 {
                await #expect(throws: StorageError.self, "write \(i), at or after the failed sync") {
                    try await store.write { db in try Journal.append(db, type: "test", payload: Counter(i: i), at: 1) }
                }
                await #expect(throws: StorageError.self) {
                    try await store.writeAlone { db in try Journal.append(db, type: "test", payload: Counter(i: i + 10), at: 1) }
                }
            }
            #expect(calls.load(ordering: .relaxed) >= 6, "the later fsyncs ran and succeeded")
            // The rows are committed (readers see them) but never given to consumers as durable.
            #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal") } == 8)
            #expect(store.durableJournalEnd == durableBefore)
            #expect(store.durabilityFailure?.contains(String(cString: strerror(EIO))) == true, "the reason `/healthz` gives")
            // One critical line for the failure, not one for each of the six batches that failed.
            #expect(log.lines.withLock { $0.count { $0.contains("the WAL could not be synced") } } == 1)
            try store.close()
        }
    }
}
