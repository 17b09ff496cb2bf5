@testable import Books
import EngineTesting
import GRDB
import MetricsTestKit
@testable import Storage
import Synchronization
import Testing
@testable import Engine

@Suite struct JournalConsumerRunnerTests {
    @Test func aTypeFilteredConsumerSeesOnlyItsTypesAndHasNoLagAfterwards() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(3, type: "gift")
            try await store.seed(2, type: "danmaku")
            let gifts = ScriptedConsumer(name: "gifts", types: ["gift"])
            let all = ScriptedConsumer(name: "all")
            let runner = ConsumerRunner(store: store, consumers: [gifts, all], batchSize: 2, logger: .quiet())
            #expect(try await runner.lag() == ["gifts": 5, "all": 5])
            let report = try await runner.drain()
            #expect(report.applied == 8)
            #expect(try await store.effects(of: "gifts") == [1, 2, 3])
            #expect(try await store.effects(of: "all") == [1, 2, 3, 4, 5])
            #expect(try await runner.lag() == ["gifts": 0, "all": 0])
        }
    }

    @Test func runAppliesNewFactsWhenPokedAndStopsOnCancellation() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(1)
            let consumer = ScriptedConsumer(name: "live")
            // A poll interval this long means only the commit signal can wake the runner in time.
            let runner = ConsumerRunner(store: store, consumers: [consumer], pollInterval: .seconds(600), logger: .quiet())
            let running = Task { try await runner.run() }
            try await waitUntil { try await store.effects(of: "live") == [1] }
            try await store.seed(2)
            try await waitUntil { try await store.effects(of: "live") == [1, 2, 3] }
            running.cancel()
            try await running.value
        }
    }

    @Test("each consumer's time on the writer is counted under its name")
    func writerTimeIsCountedPerConsumer() async throws {
        try await TemporaryDatabase.with { tmp in
            let metrics = TestMetrics()
            let store = try Store(tmp.configuration(), metrics: metrics)
            try await store.seed(3)
            let runner = ConsumerRunner(store: store, consumers: [ScriptedConsumer(name: "a"), ScriptedConsumer(name: "b")], logger: .quiet())
            try await runner.drain()
            for name in ["a", "b"] {
                let counter = try metrics.expectCounter("showrunner.consumer.writer_nanoseconds", [("consumer", name)])
                #expect(counter.totalValue > 0, "\(name)")
            }
            try store.close()
        }
    }

    /// `ScriptedConsumer` that counts its batches, and paces in bulk when told to.
    struct Counting: JournalConsumer {
        final class Batches: Sendable {
            let count = Mutex(0)
        }
        let inner: ScriptedConsumer
        var pace: ConsumerPace = .prompt
        let batches = Batches()
        var name: String { inner.name }
        var types: Set<String>? { inner.types }
        func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws { try inner.apply(entry, in: tx) }
        func finishBatch(in tx: any StoreTransaction) throws { batches.count.withLock { $0 += 1 } }
    }

    @Test("batch spacing: a consumer woken within it of its last batch's start gathers the commits until it is over; after a quiet spell it starts at once")
    func batchSpacingGathersCommitsAndSparesALoneEvent() async throws {
        try await TemporaryDatabase.with { tmp in
            // Commits without a sync, so three of them take far less than the spacing. The
            // whole suite runs at once on few cores, so the waits are long.
            let store = try tmp.openStore(synchronous: .off)
            let spaced = Counting(inner: ScriptedConsumer(name: "spaced"))
            let runner = ConsumerRunner(
                store: store, consumers: [spaced], pollInterval: .seconds(600), batchSpacing: ConsumerRunner.batchSpacingMax, logger: .quiet())
            #expect(runner.batchSpacing == .seconds(1))
            let running = Task { try await runner.run() }
            try await store.seed(1)
            try await waitUntil { try await store.effects(of: "spaced") == [1] }
            // A quiet spell longer than the spacing since that batch began: the next fact is
            // applied without sleeping out any spacing.
            try await Task.sleep(for: ConsumerRunner.batchSpacingMax + .milliseconds(100))
            let waits = runner.spacingWaits.load(ordering: .relaxed)
            let lone = ContinuousClock.now
            try await store.seed(1)
            try await waitUntil { try await store.effects(of: "spaced") == [1, 2] }
            #expect(runner.spacingWaits.load(ordering: .relaxed) == waits, "a lone fact after a quiet spell waited for the spacing")
            // Three commits right after that batch began: the consumer sleeps out the spacing,
            // then one batch applies them all.
            let before = spaced.batches.count.withLock { $0 }
            for _ in 0..<3 { try await store.seed(1) }
            let seeded = ContinuousClock.now - lone
            try await waitUntil { try await store.effects(of: "spaced") == [1, 2, 3, 4, 5] }
            let gathered = ContinuousClock.now - lone
            let batches = spaced.batches.count.withLock { $0 } - before
            #expect(gathered >= .milliseconds(900), "the gathering batch began \(gathered) after the one before")
            // Only a machine too busy to make three commits within the spacing (the whole suite
            // at once on two cores can be) lets the spacing pass before they are in.
            if seeded < .milliseconds(900) {
                #expect(runner.spacingWaits.load(ordering: .relaxed) == waits + 1, "the consumer did not sleep out the spacing")
                #expect(batches == 1, "\(batches) batches for three commits within the spacing")
            } else {
                #expect((1...3).contains(batches), "\(batches) batches for three commits over \(seeded)")
            }
            running.cancel()
            try await running.value
        }
    }

    @Test("a bulk consumer's spacing is the larger of the two; a prompt one's is the batch spacing", arguments: [
        (Duration.milliseconds(20), Duration.milliseconds(100), Duration.milliseconds(100)),
        (.milliseconds(200), .milliseconds(100), .milliseconds(200)),
        (.zero, .milliseconds(100), .milliseconds(100)),
        (.milliseconds(20), .zero, .milliseconds(20)),
        (.zero, .zero, .zero),
    ])
    func spacingOfEachPace(spacing: Duration, bulk: Duration, bulkGets: Duration) async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let runner = ConsumerRunner(
                store: store, consumers: [], batchSpacing: spacing, bulkBatchSpacing: bulk, logger: .quiet())
            #expect(runner.spacing(of: Counting(inner: ScriptedConsumer(name: "p"))) == spacing)
            #expect(runner.spacing(of: Counting(inner: ScriptedConsumer(name: "b"), pace: .bulk)) == bulkGets)
            #expect(ConsumerRunner.bulkBatchSpacingDefault == .milliseconds(100))
            #expect(ScriptedConsumer(name: "default").pace == .prompt, "a consumer is prompt unless it says otherwise")
        }
    }

    @Test("bulk spacing: a bulk consumer gathers commits over its own spacing while a prompt one follows each at once")
    func bulkSpacingGathersWhilePromptFollows() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore(synchronous: .off)
            let bulk = Counting(inner: ScriptedConsumer(name: "bulk"), pace: .bulk)
            let prompt = Counting(inner: ScriptedConsumer(name: "prompt"))
            let runner = ConsumerRunner(
                store: store, consumers: [bulk, prompt], pollInterval: .seconds(600), batchSpacing: .zero,
                bulkBatchSpacing: ConsumerRunner.batchSpacingMax, logger: .quiet())
            let running = Task { try await runner.run() }
            // The bulk consumer's first batch begins after this; its next no sooner than a
            // second after that.
            let first = ContinuousClock.now
            try await store.seed(1)
            try await waitUntil {
                (try await store.effects(of: "bulk"), try await store.effects(of: "prompt")) == ([1], [1])
            }
            let (bulkBefore, promptBefore) = (bulk.batches.count.withLock { $0 }, prompt.batches.count.withLock { $0 })
            for _ in 0..<3 { try await store.seed(1) }
            let seeded = ContinuousClock.now - first
            // The prompt consumer has every fact while the bulk one is still sleeping out its
            // second (on a machine that made the commits well within it).
            try await waitUntil { try await store.effects(of: "prompt") == [1, 2, 3, 4] }
            let promptDone = ContinuousClock.now - first
            let bulkThen = try await store.effects(of: "bulk")
            try await waitUntil { try await store.effects(of: "bulk") == [1, 2, 3, 4] }
            let bulkDone = ContinuousClock.now - first
            let bulkBatches = bulk.batches.count.withLock { $0 } - bulkBefore
            #expect(prompt.batches.count.withLock { $0 } - promptBefore >= 1)
            // Only a machine too busy to do all this within the second (the whole suite at once
            // on two cores can be) lets the spacing pass first.
            if seeded < .milliseconds(700), promptDone < .milliseconds(900) {
                #expect(bulkThen == [1], "the bulk consumer applied \(bulkThen) before its spacing was over")
                #expect(bulkBatches == 1, "\(bulkBatches) batches of the bulk consumer for three commits within its spacing")
                #expect(bulkDone >= .seconds(1), "the bulk consumer's gathering batch ended \(bulkDone) after its first began")
            } else {
                #expect((1...3).contains(bulkBatches), "\(bulkBatches) batches for three commits over \(seeded)")
            }
            running.cancel()
            try await running.value
        }
    }

    @Test("no spacing: commits back to back never put a consumer to sleep before its next batch")
    func noSpacingNeverSleeps() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore(synchronous: .off)
            let eager = Counting(inner: ScriptedConsumer(name: "eager"))
            let runner = ConsumerRunner(store: store, consumers: [eager], pollInterval: .seconds(600), batchSpacing: .zero, logger: .quiet())
            let running = Task { try await runner.run() }
            for _ in 0..<20 { try await store.seed(1) }
            try await waitUntil { try await store.effects(of: "eager").count == 20 }
            #expect(runner.spacingWaits.load(ordering: .relaxed) == 0)
            running.cancel()
            try await running.value
        }
    }

    @Test("caught-up consumers stay asleep: one's commit does not wake the others into a batch")
    func idleConsumersDoNotWakeEachOther() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(1)
            let consumers = (1...3).map { ScriptedConsumer(name: "c\($0)") }
            let runner = ConsumerRunner(store: store, consumers: consumers, pollInterval: .seconds(600), logger: .quiet())
            let running = Task { try await runner.run() }
            try await waitUntil { try await Self.effects(store) == [[1], [1], [1]] }
            // Each caught-up batch commits; after the last, nothing is left to commit. A commit
            // that appends nothing (any other write) wakes them all, and none runs a batch.
            try await Task.sleep(for: .milliseconds(100))
            let commits = store.stats.commits
            for _ in 0..<3 {
                try await store.write { _ in }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(store.stats.commits == commits + 3, "idle consumers committed \(store.stats.commits - commits - 3) times in 300 ms")
            // A new row still wakes every one of them.
            try await store.seed(2)
            try await waitUntil { try await Self.effects(store) == [[1, 2, 3], [1, 2, 3], [1, 2, 3]] }
            running.cancel()
            try await running.value
        }
    }

    @Test("a consumer of rare facts does not take the writer to skip other facts: its cursor trails them up to a bound, and moves at once for its own")
    func rareFactsConsumerStaysOffTheWriter() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(0)
            let all = ScriptedConsumer(name: "all")
            let rare = ScriptedConsumer(name: "rare", types: ["r"])
            let runner = ConsumerRunner(store: store, consumers: [all, rare], pollInterval: .seconds(600), logger: .quiet())
            func cursor(_ name: String) async throws -> Int64 {
                try await store.read { db in try ConsumerRunner.position(of: name, in: db).offset }
            }
            let running = Task { try await runner.run() }
            // Commits of other facts: the busy consumer applies them, and the rare one's cursor
            // stays where it was (no batch of its own on the writer).
            for round in 1...5 {
                try await store.seed(10)
                try await waitUntil { try await store.effects(of: "all").count == round * 10 }
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await cursor("all") == 50)
            #expect(try await cursor("rare") == 0)
            #expect(try await store.effects(of: "rare") == [])
            // Nothing of its types is waiting: no lag to report, though its cursor trails.
            #expect(try await runner.lag() == ["all": 0, "rare": 0])
            // One of its facts: applied at once, and the cursor moves past everything before it.
            try await store.seed(1, type: "r")
            try await waitUntil { try await store.effects(of: "rare") == [51] }
            #expect(try await cursor("rare") == 51)
            // Past the bound, a batch moves the cursor even with nothing of its types.
            try await store.seed(Int(ConsumerRunner.idleCursorRowsMax))
            let end = 51 + ConsumerRunner.idleCursorRowsMax
            try await waitUntil { try await cursor("rare") == end }
            #expect(try await store.effects(of: "rare") == [51])
            running.cancel()
            try await running.value
            // `drain` moves every cursor to the end.
            try await store.seed(3)
            try await runner.drain()
            #expect(try await cursor("rare") == end + 3)
            #expect(try await runner.lag() == ["all": 0, "rare": 0])
        }
    }

    private static func effects(_ store: Store) async throws -> [[Int64]] {
        [try await store.effects(of: "c1"), try await store.effects(of: "c2"), try await store.effects(of: "c3")]
    }
}

/// A consumer that appends a `b` fact for every `a` it applies, and records what it applied.
private struct EchoConsumer: JournalConsumer {
    let name: String
    let types: Set<String>?

    func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        let db = tx.sqliteDatabase
        if entry.type == "a" { _ = try Journal.append(db, type: "b", payload: ["from": entry.offset], at: 1) }
        try db.execute(sql: "INSERT INTO test_effects (consumer, offset) VALUES (?, ?)", arguments: [name, entry.offset])
    }
}

@Suite struct JournalConsumerAppendTests {
    @Test func aConsumerAppliesTheFactsItAppendsItself() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore(synchronous: .off)
            try await store.seed(1, type: "a")
            let runner = ConsumerRunner(store: store, consumers: [EchoConsumer(name: "echo", types: ["a", "b"])], logger: .quiet())
            try await runner.drain()
            // The `b` fact (offset 2) was appended inside the batch that applied offset 1.
            #expect(try await store.effects(of: "echo") == [1, 2])
            #expect(try await runner.lag() == ["echo": 0])
        }
    }

    @Test(arguments: 0..<8)
    func drainWaitsForFactsAnotherConsumerAppended(_ round: Int) async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore(synchronous: .off)
            try await store.seed(1, type: "a")
            let listener = ScriptedConsumer(name: "listener", types: ["b"])
            let echo = EchoConsumer(name: "echo", types: ["a"])
            // Both orders, since consumers of one pass commit in either order.
            let consumers: [any JournalConsumer] = round % 2 == 0 ? [listener, echo] : [echo, listener]
            let runner = ConsumerRunner(store: store, consumers: consumers, logger: .quiet())
            try await runner.drain()
            #expect(try await store.effects(of: "listener") == [2])
        }
    }
}
