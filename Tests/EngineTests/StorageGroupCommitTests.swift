import Foundation
@testable import Books
import EngineTesting
import GRDB
import MetricsTestKit
@testable import Storage
import Testing
@testable import Engine

@Suite struct StorageGroupCommitTests {
    @Test(arguments: [(StoreConfiguration.Synchronous.off, 0), (.normal, 1), (.pipelined, 1), (.full, 2)])
    func opensInWALModeWithConfiguredSynchronous(_ level: StoreConfiguration.Synchronous, expected: Int) async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore(synchronous: level)
            let mode = try await store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            let sync = try await store.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(mode == "wal")
            #expect(sync == expected)
        }
    }

    @Test func migrationsAreAppliedOnceByName() async throws {
        try await TemporaryDatabase.with { tmp in
            _ = try tmp.openStore()
            let store = try tmp.openStore()
            let names = try await store.read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
            #expect(names == Migrations.all.map(\.name))
        }
    }

    @Test func concurrentWritersEachGetTheirOwnDurableOffset() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let entries = try await withThrowingTaskGroup(of: JournalEntry.self) { group in
                for i in 0..<64 {
                    group.addTask {
                        try await store.write { db in try Journal.append(db, type: "test", payload: Counter(i: i), at: 1) }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(entries.map(\.offset)).count == 64)
            #expect(store.stats.ops == 64)
            #expect(store.stats.commits <= 64)
            try store.close()

            let reopened = try tmp.openStore()
            let stored = try await reopened.read { db in try Journal.read(db, after: 0, limit: 100) }
            #expect(stored.count == 64)
            #expect(Set(stored.map(\.offset)) == Set(entries.map(\.offset)))
            #expect(Set(try stored.map { try $0.decodePayload(as: Counter.self).i }) == Set(0..<64))
        }
    }

    @Test func commitsAndOperationsAreCountedInMetrics() async throws {
        try await TemporaryDatabase.with { tmp in
            let metrics = TestMetrics()
            let store = try Store(tmp.configuration(), metrics: metrics)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<32 {
                    group.addTask { _ = try await store.write { db in try Journal.append(db, type: "test", payload: Counter(i: i), at: 1) } }
                }
                try await group.waitForAll()
            }
            // A failing operation is not counted. Alone in its batch, it rolls its transaction
            // back: no commit, and no failed commit either.
            let before = store.stats.commits
            await #expect(throws: (any Error).self) { try await store.write { _ in throw StorageError.commitFailed(reason: "op") } }
            #expect(store.stats.commits == before && store.stats.failedCommits == 0)
            let commits = try metrics.expectCounter("showrunner.store.commits").totalValue
            #expect(try metrics.expectCounter("showrunner.store.ops").totalValue == 32)
            #expect(commits == Int64(store.stats.commits) && commits >= 1 && commits <= 32)
            let batches = try metrics.expectRecorder("showrunner.store.batch_ops").values
            #expect(batches.count == Int(commits) && batches.reduce(0, +) == 32 && !batches.contains(0))
            // The writer's time, in step with the store's own figures.
            let opsNanos = try metrics.expectCounter("showrunner.store.writer_ops_nanoseconds").totalValue
            let commitNanos = try metrics.expectCounter("showrunner.store.writer_commit_nanoseconds").totalValue
            #expect(opsNanos > 0 && commitNanos > 0)
            #expect(opsNanos == Int64(store.stats.opsNanos) && commitNanos == Int64(store.stats.commitNanos))
            try store.close()
        }
    }

    @Test("an operation's time is split into its queue, its batch and the sync after it, summed over the operations")
    func waitsAreSplit() async throws {
        try await TemporaryDatabase.with { tmp in
            let metrics = TestMetrics()
            let store = try Store(tmp.configuration(), metrics: metrics)
            // The blocker holds the writer for 30 ms after the 15 others are queued behind it; then
            // the others commit in one batch.
            let ops = (0..<16).map { i in
                { @Sendable (db: Database) throws -> Int64 in
                    if i == 0 { Thread.sleep(forTimeInterval: 0.03) }
                    return try Journal.append(db, type: "t", payload: Counter(i: i), at: 1).offset
                }
            }
            let results = await submitBehindBlocker(store, queued: 15, ops)
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            let stats = store.stats
            #expect(stats.commits == 2 && stats.waitedOps == 16)
            // The blocker's batch took its 30 ms; each of the 15 waited in the queue for at least
            // the 30 ms the blocker slept after they were all there.
            #expect(stats.batchWaitNanos >= 30_000_000)
            #expect(stats.queueWaitNanos >= 15 * 30_000_000)
            // `.full` answers at COMMIT: no wait for a sync after it.
            #expect(stats.durableWaitNanos == 0)
            #expect(try metrics.expectCounter("showrunner.store.queue_wait_nanoseconds").totalValue == Int64(stats.queueWaitNanos))
            #expect(try metrics.expectCounter("showrunner.store.batch_wait_nanoseconds").totalValue == Int64(stats.batchWaitNanos))
            #expect(try metrics.expectCounter("showrunner.store.durable_wait_nanoseconds").totalValue == 0)
            #expect(try metrics.expectCounter("showrunner.store.waited_ops").totalValue == 16)
            // A failed operation is timed with its batch (alone, its batch rolled back).
            await #expect(throws: (any Error).self) { try await store.write { _ in throw StorageError.commitFailed(reason: "op") } }
            #expect(store.stats.waitedOps == 17 && store.stats.ops == 16)
            try store.close()
        }
    }

    @Test func queuedWritesShareOneCommit() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let ops = (0..<64).map { i in
                { @Sendable (db: Database) throws -> Int64 in try Journal.append(db, type: "t", payload: Counter(i: i), at: 1).offset }
            }
            let results = await submitBehindBlocker(store, queued: 63, ops)
            let offsets = try results.map { try $0.get() }
            #expect(Set(offsets).count == 64)
            let stats = store.stats
            #expect(stats.commits == 2 && stats.ops == 64 && stats.failedCommits == 0)
            #expect(stats.opsNanos > 0 && stats.commitNanos > 0)
        }
    }

    @Test func batchMaxBoundsABatch() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore(batchMax: 4)
            let ops = (0..<9).map { i in { @Sendable (db: Database) throws -> Int in i } }
            let results = await submitBehindBlocker(store, queued: 8, ops)
            #expect(try results.map { try $0.get() } == Array(0..<9))
            // One batch for the blocker, then 8 queued writes in batches of at most 4.
            #expect(store.stats.commits == 3)
        }
    }
}
