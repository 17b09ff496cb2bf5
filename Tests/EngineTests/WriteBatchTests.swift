import EngineTesting
import Foundation
import GRDB
@testable import Storage
import Synchronization
import Testing
@testable import Engine

/// A counter held in memory for a batch and written as one row when it flushes.
private final class TallyOverlay: BatchOverlay {
    var pending = 0
    func flush(_ db: Database) throws {
        try db.execute(sql: "INSERT INTO tally (n) VALUES (?)", arguments: [pending])
        pending = 0
    }
}

/// `Store.writeBatched`: operations of one group commit share the batch's overlays, which are
/// flushed before every plain operation and before COMMIT, and dropped with a batch that fails.
@Suite struct WriteBatchTests {
    func store(_ tmp: TemporaryDatabase) async throws -> Store {
        let store = try tmp.openStore()
        try await store.write { db in
            try db.execute(sql: "CREATE TABLE tally (seq INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            try db.execute(sql: """
                CREATE TABLE doom_parent (id INTEGER PRIMARY KEY);
                CREATE TABLE doom_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES doom_parent(id) DEFERRABLE INITIALLY DEFERRED);
                """)
        }
        return store
    }

    /// Queues `ops` one after another behind a blocked batch, so the next batch holds them in order.
    func inOrder(_ store: Store, _ ops: [WriteBody]) async -> [Result<Int, any Error>] {
        let started = Flag()
        // Set once the blocker has seen every op queued and lets its batch commit: the queue
        // then empties, so the loop below must not wait for it again.
        let released = Flag()
        return await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            group.addTask {
                (-1, await Result { () async throws -> Int in
                    try await store.write { _ in
                        started.set()
                        store.waitForQueued(ops.count)
                        released.set()
                        return 0
                    }
                })
            }
            while !started.isSet { try? await Task.sleep(for: .milliseconds(1)) }
            for (i, op) in ops.enumerated() {
                group.addTask {
                    (i, await Result { () async throws -> Int in
                        switch op {
                        case .plain(let body): return try await store.write { db in try body(db) as! Int }
                        case .batched(let body): return try await store.writeBatched { db, batch in try body(db, batch) as! Int }
                        }
                    })
                }
                // The next one queues only after this one has (waiting without blocking a thread
                // of the shared pool, which the queued tasks need).
                while store.queue.withLock({ $0.pending.count }) < i + 1, !released.isSet {
                    try? await Task.sleep(for: .milliseconds(1))
                }
            }
            var results = [Result<Int, any Error>?](repeating: nil, count: ops.count)
            for await (i, r) in group where i >= 0 { results[i] = r }
            return results.map { $0! }
        }
    }

    static let add: WriteBody = .batched { _, batch in
        let tally = batch.overlay(TallyOverlay.self) { TallyOverlay() }
        tally.pending += 1
        return tally.pending
    }
    static let readTally: WriteBody = .plain { db in try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(n), 0) FROM tally") ?? -1 }

    @Test("batched operations run first over one overlay, flushed once; plain operations then see all of them")
    func flushOrder() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try await store(tmp)
            let results = await inOrder(store, [Self.add, Self.add, Self.readTally, Self.add, Self.add, Self.add])
            // The plain read queued between the sends sees every send of its batch: one flush.
            #expect(try results.map { try $0.get() } == [1, 2, 5, 3, 4, 5])
            let rows = try await store.read { db in try Int.fetchAll(db, sql: "SELECT n FROM tally ORDER BY seq") }
            #expect(rows == [5])
            #expect(store.stats.commits >= 3)
        }
    }

    @Test("a batched operation that throws leaves the overlay as it was; a batch that fails at COMMIT drops its overlays")
    func failures() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try await store(tmp)
            struct Refused: Error {}
            let refuse: WriteBody = .batched { _, batch in
                _ = batch.overlay(TallyOverlay.self) { TallyOverlay() }
                throw Refused()
            }
            let doom: WriteBody = .plain { db in
                try db.execute(sql: "INSERT INTO doom_child (parent_id) VALUES (42)")
                return 0
            }
            let first = await inOrder(store, [Self.add, refuse, Self.add])
            #expect(first.map { (try? $0.get()) ?? -1 } == [1, -1, 2])
            // The doomed plain write breaks its deferred key at COMMIT: the whole batch fails.
            let second = await inOrder(store, [Self.add, Self.add, doom, Self.add])
            #expect(second.allSatisfy { if case .failure(let e) = $0 { (e as? StorageError)?.code == "storage_commit_failed" } else { false } })
            let third = await inOrder(store, [Self.add])
            #expect(try third[0].get() == 1, "a new batch starts from a fresh overlay")
            let rows = try await store.read { db in try Int.fetchAll(db, sql: "SELECT n FROM tally ORDER BY seq") }
            #expect(rows == [2, 1])
        }
    }
}
