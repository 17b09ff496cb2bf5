@testable import Books
import EngineTesting
import GRDB
@testable import Storage
import Synchronization
import Testing
@testable import Engine

/// A consumer that sums in memory and writes at the batch's end, as the earnings consumer
/// does: one `test_effects` row per entry, written by `finishBatch`, and the size of every
/// batch it wrote.
private struct SummingConsumer: JournalConsumer {
    final class Memory: Sendable {
        let pending = Mutex<[Int64]>([])
        let batches = Mutex<[Int]>([])
    }
    let name: String
    let types: Set<String>? = nil
    var script = ConsumerScript()
    let memory = Memory()

    func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        try script.check(entry)
        memory.pending.withLock { $0.append(entry.offset) }
    }

    func finishBatch(in tx: any StoreTransaction) throws {
        let db = tx.sqliteDatabase
        let offsets = memory.pending.withLock { p in
            defer { p.removeAll() }
            return p
        }
        for offset in offsets {
            try db.execute(sql: "INSERT INTO test_effects (consumer, offset) VALUES (?, ?)", arguments: [name, offset])
        }
        if !offsets.isEmpty { memory.batches.withLock { $0.append(offsets.count) } }
    }

    func batchRolledBack() { memory.pending.withLock { $0.removeAll() } }
    func settled(committed: Bool) { memory.pending.withLock { $0.removeAll() } }
    var widensBatches: Bool { true }
}

@Suite struct JournalWideBatchTests {
    @Test func aWideningConsumerReadsSeveralPagesPerTransactionUpToItsBound() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(1000)
            let consumer = SummingConsumer(name: "sums")
            let runner = ConsumerRunner(
                store: store, consumers: [consumer], batchSize: 10, checkpointInterval: .seconds(1), wideBatchEntriesMax: 100,
                logger: .quiet())
            try await runner.drain()
            #expect(try await store.effects(of: "sums") == Array(1...1000))
            let batches = consumer.memory.batches.withLock { $0 }
            // Never more than the bound; the first transaction (well inside a second) reaches it.
            #expect(batches.allSatisfy { $0 <= 100 } && batches.first == 100)
            #expect(batches.reduce(0, +) == 1000 && batches.count < 100)
            #expect(try await runner.lag() == ["sums": 0])
        }
    }

    @Test func aZeroCheckpointIntervalKeepsOnePagePerTransaction() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(95)
            let consumer = SummingConsumer(name: "sums")
            let runner = ConsumerRunner(store: store, consumers: [consumer], batchSize: 10, checkpointInterval: .zero, logger: .quiet())
            try await runner.drain()
            #expect(consumer.memory.batches.withLock { $0 } == Array(repeating: 10, count: 9) + [5])
            #expect(try await store.effects(of: "sums") == Array(1...95))
        }
    }

    @Test func aFailureOnALaterPageRunsTheBatchAgainNarrowAndLosesNothing() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(200)
            // Entry 55 is on the sixth page of the first wide batch: the five pages before it
            // were summed in memory only, so the whole transaction must go and be run again.
            let consumer = SummingConsumer(name: "sums", script: ConsumerScript(poison: [55]))
            let runner = ConsumerRunner(
                store: store, consumers: [consumer], maxAttempts: 3, batchSize: 10, checkpointInterval: .seconds(1),
                wideBatchEntriesMax: 100, logger: .quiet())
            let report = try await runner.drain()
            #expect(report.parked == 1)
            #expect(try await store.effects(of: "sums") == Array(1...54) + Array(56...200))
            let parked = try #require(try await runner.parked().first)
            #expect(parked.offset == 55 && parked.error == "poison at 55")
            #expect(try await runner.lag() == ["sums": 0])

            // Healed and retried, it is applied once, and later entries go on widening.
            consumer.script.heal()
            _ = try await runner.retry(parkedID: parked.id)
            try await store.seed(300)
            try await runner.drain()
            #expect(try await store.effects(of: "sums") == Array(1...500))
        }
    }
}
