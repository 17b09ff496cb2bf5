import EngineTesting
import Foundation
import GRDB
@testable import Storage
import Synchronization
import Testing
@testable import Engine

/// `Store.submitBatched`: an operation queued without waiting joins the same group commits as
/// awaited ones, and its callback hears of it once, only after its batch's COMMIT.
@Suite struct StoreSubmitTests {
    /// What the callbacks heard, by operation.
    final class Heard: Sendable {
        private let outcomes = Mutex<[Int: [Result<Int, any Error>]]>([:])
        func add(_ i: Int, _ outcome: Result<Int, any Error>) { outcomes.withLock { $0[i, default: []].append(outcome) } }
        var all: [Int: [Result<Int, any Error>]] { outcomes.withLock { $0 } }
        func wait(for count: Int) async {
            while outcomes.withLock({ $0.values.reduce(0) { $0 + $1.count } }) < count {
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    func store(_ tmp: TemporaryDatabase, synchronous: StoreConfiguration.Synchronous = .full) async throws -> Store {
        let store = try tmp.openStore(synchronous: synchronous, batchMax: 16)
        try await store.write { db in
            try db.execute(sql: """
                CREATE TABLE marks (id INTEGER PRIMARY KEY);
                CREATE TABLE doom_parent (id INTEGER PRIMARY KEY);
                CREATE TABLE doom_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES doom_parent(id) DEFERRABLE INITIALLY DEFERRED);
                """)
        }
        return store
    }

    static func mark(_ i: Int) -> @Sendable (Database, WriteBatch) throws -> Int {
        { db, _ in
            try db.execute(sql: "INSERT INTO marks (id) VALUES (?)", arguments: [i])
            return i
        }
    }

    @Test("submitted and awaited operations share batches; each callback is told once, after COMMIT", arguments: [
        StoreConfiguration.Synchronous.full, .pipelined,
    ])
    func answeredAfterCommit(synchronous: StoreConfiguration.Synchronous) async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try await store(tmp, synchronous: synchronous)
            // A connection of its own: what it reads in a callback is what is committed.
            let observer = try DatabaseQueue(path: tmp.path)
            let heard = Heard()
            let unseen = Mutex<[Int]>([])
            let submitted = 300, awaited = 60
            // Submitted from plain threads, as an event loop would, while tasks await their own.
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: submitted) { i in
                    store.submitBatched(Self.mark(i)) { outcome in
                        let seen = (try? observer.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM marks WHERE id = ?)", arguments: [i]) }) ?? false
                        if seen != true { unseen.withLock { $0.append(i) } }
                        heard.add(i, outcome)
                    }
                }
            }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in submitted..<(submitted + awaited) {
                    group.addTask { try await store.writeBatched(Self.mark(i)) }
                }
                var values: [Int] = []
                for try await value in group { values.append(value) }
                #expect(values.sorted() == Array(submitted..<(submitted + awaited)))
            }
            await heard.wait(for: submitted)
            let all = heard.all
            #expect(all.count == submitted)
            #expect(all.allSatisfy { i, outcomes in outcomes.count == 1 && (try? outcomes[0].get()) == i })
            #expect(unseen.withLock { $0 }.isEmpty, "a callback ran before its row was committed")
            let rows = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM marks") }
            #expect(rows == submitted + awaited)
            #expect(store.stats.commits < submitted + awaited, "operations shared batches")
        }
    }

    @Test("a callback that submits again keeps batches going without any awaited writer")
    func chained() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try await store(tmp)
            let heard = Heard()
            let rounds = 200
            @Sendable func next(_ i: Int) {
                guard i < rounds else { return }
                store.submitBatched(Self.mark(i)) { outcome in
                    heard.add(i, outcome)
                    next(i + 1)
                }
            }
            next(0)
            await heard.wait(for: rounds)
            #expect(heard.all.count == rounds)
            #expect(heard.all.allSatisfy { i, outcomes in outcomes.count == 1 && (try? outcomes[0].get()) == i })
            // The store is idle again: an awaited write leads at once.
            #expect(try await store.writeBatched(Self.mark(rounds)) == rounds)
        }
    }

    @Test("an operation that throws is told its own error; a batch that fails at COMMIT tells every callback, and writes nothing")
    func failures() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try await store(tmp)
            struct Refused: Error {}
            let heard = Heard()
            let released = Flag()
            // Hold the writer until the submitted operations and the doomed one are queued:
            // they then share the next batch.
            let holding = Flag()
            async let blocker: Void = store.write { _ in
                holding.set()
                store.waitForQueued(4)
                released.set()
            }
            // Queued only once the blocker's batch runs: queued before, they could join it.
            while !holding.isSet { try? await Task.sleep(for: .milliseconds(1)) }
            store.submitBatched(Self.mark(1)) { heard.add(1, $0) }
            store.submitBatched({ _, _ -> Int in throw Refused() }) { heard.add(2, $0) }
            store.submitBatched(Self.mark(3)) { heard.add(3, $0) }
            async let doomed = Result { () async throws in
                try await store.write { db in try db.execute(sql: "INSERT INTO doom_child (parent_id) VALUES (42)") }
            }
            try await blocker
            let doomedOutcome = await doomed
            #expect(throws: StorageError.self) { try doomedOutcome.get() }
            await heard.wait(for: 3)
            let all = heard.all
            #expect(released.isSet)
            for i in [1, 2, 3] {
                guard case .failure(let error) = all[i]?.first else {
                    Issue.record("operation \(i) did not fail")
                    continue
                }
                #expect((error as? StorageError)?.code == "storage_commit_failed", "operation \(i): \(error)")
            }
            #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM marks") } == 0)
            // Alone in a batch, a throwing operation is told its own error and the rest commit.
            let alone = Heard()
            store.submitBatched({ _, _ -> Int in throw Refused() }) { alone.add(0, $0) }
            await alone.wait(for: 1)
            guard case .failure(let error) = alone.all[0]?.first else {
                Issue.record("the refused operation succeeded")
                return
            }
            #expect(error is Refused)
        }
    }

    @Test(
        "while operations keep arriving, a transaction of its own still gets the writer: the batches queue behind it, not before it",
        .timeLimit(.minutes(1)))
    func writeAloneIsNotStarvedByAFloodOfBatches() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try await store(tmp)
            let flooding = Atomic<Bool>(true)
            let sent = Atomic<Int>(0)
            // Each callback submits again: the queue never empties while the flood lasts.
            @Sendable func next(_ i: Int) {
                guard flooding.load(ordering: .relaxed) else { return }
                store.submitBatched(Self.mark(i)) { _ in
                    sent.add(1, ordering: .relaxed)
                    next(i + 64)
                }
            }
            for i in 0..<64 { next(i) }
            while sent.load(ordering: .relaxed) < 500 { try await Task.sleep(for: .milliseconds(1)) }
            // The batches committed between asking and running: the one running then and the
            // one scheduled before it arrived (a few more if this thread is preempted), never
            // every batch the flood goes on making.
            let before = store.stats.commits
            let waited = try await store.writeAlone { db in
                try db.execute(sql: "INSERT INTO marks (id) VALUES (-1)")
                return store.stats.commits - before
            }
            // Only now does the flood stop: the transaction of its own committed during it.
            flooding.store(false, ordering: .relaxed)
            #expect(waited <= 50, "\(waited) batches went before a transaction of its own")
            let marked = try await store.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM marks WHERE id = -1)") }
            #expect(marked == true)
        }
    }
}
