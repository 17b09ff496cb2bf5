@testable import Books
import EngineTesting
import GRDB
@testable import Storage
import Synchronization
import Testing
@testable import Engine

@Suite struct JournalConsumerParkingTests {
    @Test func aPoisonEntryIsRetriedThenParkedAndLaterEntriesStillApply() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let clock = ManualClock()
            try await store.seed(5)
            let consumer = ScriptedConsumer(name: "board", script: ConsumerScript(poison: [3]))
            let runner = ConsumerRunner(store: store, consumers: [consumer], maxAttempts: 3, clock: clock, logger: .quiet())

            let first = try await runner.drainOnce()
            #expect(first.applied == 2 && first.failed == 1 && !first.caughtUp)
            #expect(try await store.effects(of: "board") == [1, 2])

            let report = try await runner.drain()
            #expect(report.parked == 1 && report.applied == 2)
            // The first pass applies the batch under one savepoint, rolls it back at 3 and
            // applies it again entry by entry: 1 and 2 ran twice but count once.
            #expect(consumer.script.calls(at: 1) == 2 && consumer.script.calls(at: 2) == 2)
            #expect(consumer.script.calls(at: 3) == 4)
            #expect(try await store.effects(of: "board") == [1, 2, 4, 5])
            #expect(try await runner.lag() == ["board": 0])
            let failures = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consumer_failures") }
            #expect(failures == 0)

            let parked = try #require(try await runner.parked().first)
            #expect(parked.consumer == "board" && parked.offset == 3 && parked.type == "tick")
            #expect(parked.attempts == 3 && parked.status == .parked && parked.parkedAt == clock.nowMillis())
            #expect(parked.error == "poison at 3")
        }
    }

    /// A consumer that only publishes (no store writes, effects that must not repeat), as the
    /// room events are: applied entry by entry, without a savepoint each.
    struct PublishingConsumer: JournalConsumer {
        let name = "publisher"
        let types: Set<String>? = nil
        let script: ConsumerScript
        final class Published: Sendable {
            let offsets = Mutex<[Int64]>([])
        }
        let published = Published()
        var replaysBatchOnFailure: Bool { false }
        var writesInApply: Bool { false }

        func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
            try script.check(entry)
            published.offsets.withLock { $0.append(entry.offset) }
        }
    }

    @Test func aConsumerThatWritesNothingPublishesEachEntryOnceAroundAPoisonEntry() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(5)
            let consumer = PublishingConsumer(script: ConsumerScript(poison: [3]))
            let runner = ConsumerRunner(store: store, consumers: [consumer], maxAttempts: 3, clock: ManualClock(), logger: .quiet())

            let first = try await runner.drainOnce()
            #expect(first.applied == 2 && first.failed == 1 && !first.caughtUp)
            #expect(consumer.published.offsets.withLock { $0 } == [1, 2])
            let failures = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consumer_failures") }
            #expect(failures == 1, "the failure is counted without a savepoint around the entry")

            let report = try await runner.drain()
            #expect(report.parked == 1 && report.applied == 2)
            #expect(consumer.published.offsets.withLock { $0 } == [1, 2, 4, 5], "nothing published twice")
            #expect(consumer.script.calls(at: 1) == 1 && consumer.script.calls(at: 3) == 3)
            #expect(try await runner.lag() == ["publisher": 0])
            #expect(try await runner.parked().map(\.offset) == [3])
        }
    }

    @Test func retryingAParkedEntryAppliesItOnceAndResolvesIt() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let clock = ManualClock()
            try await store.seed(3)
            let consumer = ScriptedConsumer(name: "board", script: ConsumerScript(poison: [2]))
            let runner = ConsumerRunner(store: store, consumers: [consumer], maxAttempts: 2, clock: clock, logger: .quiet())
            try await runner.drain()
            let parked = try #require(try await runner.parked().first)

            guard case .failedAgain(let still) = try await runner.retry(parkedID: parked.id) else {
                Issue.record("a broken consumer must fail again")
                return
            }
            #expect(still.attempts == 3 && still.status == .parked)

            consumer.script.heal()
            clock.advance(byMillis: 5000)
            guard case .resolved(let resolved) = try await runner.retry(parkedID: parked.id) else {
                Issue.record("a healed consumer must resolve the event")
                return
            }
            #expect(resolved.status == .resolved && resolved.resolvedAt == clock.nowMillis())
            #expect(try await store.effects(of: "board") == [1, 2, 3])
            #expect(try await runner.parked().isEmpty)
            #expect(try await runner.parked(status: nil).count == 1)

            await #expect(throws: JournalError.parkedEventAlreadyResolved(id: parked.id)) {
                try await runner.retry(parkedID: parked.id)
            }
            await #expect(throws: JournalError.parkedEventNotFound(id: 999)) {
                try await runner.retry(parkedID: 999)
            }
            #expect(try await store.effects(of: "board") == [1, 2, 3])
        }
    }

    @Test func retryThroughARunnerWithoutTheConsumerIsRefused() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(1)
            let poisoned = ScriptedConsumer(name: "old", script: ConsumerScript(poison: [1]))
            try await ConsumerRunner(store: store, consumers: [poisoned], maxAttempts: 1, logger: .quiet()).drain()
            let other = ConsumerRunner(store: store, consumers: [ScriptedConsumer(name: "new")], logger: .quiet())
            let parked = try #require(try await other.parked().first)
            await #expect(throws: JournalError.unknownConsumer("old")) { try await other.retry(parkedID: parked.id) }
            await #expect(throws: JournalError.invalidLimit(0, max: Journal.readLimitMax)) { try await other.parked(limit: 0) }
        }
    }
}
