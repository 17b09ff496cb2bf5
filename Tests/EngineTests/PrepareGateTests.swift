@testable import Books
import Dispatch
import EngineTesting
import Foundation
@testable import Storage
import Synchronization
import Testing

/// The prepare gate alone, and the runner's use of it: while following the journal no more
/// consumers prepare at once than its slots; `drain` does not wait for it.
@Suite struct PrepareGateTests {
    /// How many run at once, and the most that ever did.
    final class Overlap: Sendable {
        private let state = Mutex((now: 0, most: 0, entered: 0))
        func enter() { state.withLock { $0.now += 1; $0.entered += 1; $0.most = max($0.most, $0.now) } }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
        var entered: Int { state.withLock { $0.entered } }
    }

    /// The names of passes in the order they ran.
    final class Order: Sendable {
        private let state = Mutex<[String]>([])
        func append(_ name: String) { state.withLock { $0.append(name) } }
        var names: [String] { state.withLock { $0 } }
    }

    @Test("no more than its slots run at once, and every waiter runs", arguments: [1, 2, 3])
    func slotsBoundTheOverlap(slots: Int) async throws {
        let gate = PrepareGate(slots: slots, waitMax: .seconds(600))
        let overlap = Overlap()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<24 {
                group.addTask {
                    try await gate.run(i.isMultiple(of: 2) ? .prompt : .bulk) {
                        overlap.enter()
                        defer { overlap.leave() }
                        try await Task.sleep(for: .milliseconds(2))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(overlap.entered == 24)
        #expect(overlap.most <= slots, "\(overlap.most) ran at once through \(slots) slots")
        #expect(gate.waiting == 0)
    }

    @Test("a freed slot goes to a waiting prompt consumer before bulk ones that came earlier; within a pace, first come first served")
    func promptGoesFirst() async throws {
        let gate = PrepareGate(slots: 1, waitMax: .seconds(600))
        let order = Order()
        let release = AsyncStream<Void>.makeStream()
        let holder = Task {
            await gate.run(.bulk) {
                for await _ in release.stream { break }
            }
        }
        // Wait until the holder has the slot: a waiter then queues.
        try await waitUntil { gate.waiting == 0 && holderHasSlot(gate) }
        var waiters: [Task<Void, Never>] = []
        for (name, pace) in [("bulk-1", ConsumerPace.bulk), ("bulk-2", .bulk), ("prompt-1", .prompt), ("prompt-2", .prompt)] {
            let queued = gate.waiting
            waiters.append(Task { await gate.run(pace) { order.append(name) } })
            try await waitUntil { gate.waiting == queued + 1 }
        }
        release.continuation.yield()
        release.continuation.finish()
        await holder.value
        for waiter in waiters { await waiter.value }
        #expect(order.names == ["prompt-1", "prompt-2", "bulk-1", "bulk-2"])
        #expect(gate.waiting == 0)
        // The slot is free again: a new pass runs at once.
        var ran = false
        await gate.run(.bulk) { ran = true }
        #expect(ran)
    }

    /// Whether a pass holds the gate's only slot: a probe would wait.
    private func holderHasSlot(_ gate: PrepareGate) -> Bool { gate.freeSlots == 0 }

    @Test("a pass that has waited waitMax for a slot prepares without one, and gives none back; the holder keeps its slot")
    func aPassWaitsAtMostWaitMax() async throws {
        let gate = PrepareGate(slots: 1, waitMax: .milliseconds(50))
        let release = AsyncStream<Void>.makeStream()
        let holder = Task {
            await gate.run(.prompt) {
                for await _ in release.stream { break }
            }
        }
        try await waitUntil { holderHasSlot(gate) }
        // Both paces: each runs while the holder still has the only slot.
        for pace in [ConsumerPace.bulk, .prompt] {
            let start = ContinuousClock.now
            var ran = false
            await gate.run(pace) { ran = true }
            let waited = start.duration(to: .now)
            #expect(ran)
            #expect(waited >= .milliseconds(50), "a \(pace) pass went without a slot after \(waited), before its 50 ms")
            #expect(gate.waiting == 0, "the pass that went without a slot is no longer queued")
            #expect(gate.freeSlots == 0, "a pass without a slot freed one as it ended")
        }
        release.continuation.yield()
        release.continuation.finish()
        await holder.value
        #expect(gate.freeSlots == 1)
    }

    @Test("at the limit's edge, a wait of zero: a pass that finds no slot free goes at once without one")
    func aZeroWaitGoesAtOnce() async throws {
        let gate = PrepareGate(slots: 1, waitMax: .zero)
        let release = AsyncStream<Void>.makeStream()
        let holder = Task {
            await gate.run(.bulk) {
                for await _ in release.stream { break }
            }
        }
        try await waitUntil { holderHasSlot(gate) }
        var ran = false
        await gate.run(.prompt) { ran = true }
        #expect(ran && gate.waiting == 0 && gate.freeSlots == 0)
        release.continuation.yield()
        release.continuation.finish()
        await holder.value
        #expect(gate.freeSlots == 1)
    }

    /// A consumer whose handlers take a while off the writer, counting how many prepare at once.
    struct SlowPreparer: OffWriterConsumer {
        let name: String
        let overlap: Overlap
        var types: Set<String>? { nil }
        func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {}
        func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
            overlap.enter()
            defer { overlap.leave() }
            Thread.sleep(forTimeInterval: 0.02)
        }
        func seal() -> @Sendable (any StoreTransaction) throws -> Void { { _ in } }
    }

    @Test("following the journal, no more consumers prepare at once than the runner's slots; a drain does not wait for them", arguments: [1, 2])
    func theRunnerHoldsItsConsumersToTheSlots(slots: Int) async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore(synchronous: .off)
            let overlap = Overlap()
            let consumers = (1...4).map { SlowPreparer(name: "slow\($0)", overlap: overlap) }
            let runner = ConsumerRunner(
                store: store, consumers: consumers, pollInterval: .seconds(600), batchSpacing: .zero, bulkBatchSpacing: .zero,
                preparesMax: slots, prepareWaitMax: .seconds(600), logger: .quiet())
            #expect(runner.preparesMax == slots)
            #expect(runner.prepareWaitMax == .seconds(600))
            let running = Task { try await runner.run() }
            for _ in 0..<5 {
                try await store.seed(1)
                try await Task.sleep(for: .milliseconds(10))
            }
            // Every consumer at the journal's end (a prepared batch the writer could not take is
            // prepared again, so the passes may number more than the entries).
            try await waitUntil { try await runner.lag().values.allSatisfy { $0 == 0 } && overlap.entered >= 4 * 5 }
            #expect(overlap.most <= slots, "\(overlap.most) consumers prepared at once through \(slots) slots")
            running.cancel()
            try await running.value
            // The same consumers drained side by side overlap (four of them, each 20 ms an
            // entry, started together): the count above could have seen it.
            let drained = Overlap()
            let drainer = ConsumerRunner(
                store: store, consumers: (1...4).map { SlowPreparer(name: "drain\($0)", overlap: drained) }, preparesMax: 1, logger: .quiet())
            try await drainer.drain()
            #expect(drained.entered == 4 * 5)
            #expect(drained.most > 1, "a drain's consumers waited for each other")
        }
    }

    /// A consumer of `hog` entries whose prepare holds its slot until it is let go.
    struct Hog: OffWriterConsumer {
        let name = "hog"
        let started: Overlap
        let letGo: DispatchSemaphore
        var types: Set<String>? { ["hog"] }
        func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {}
        func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
            started.enter()
            letGo.wait()
            letGo.signal()
        }
        func seal() -> @Sendable (any StoreTransaction) throws -> Void { { _ in } }
    }

    /// A consumer of `tick` entries that counts those it prepared.
    struct Counter: OffWriterConsumer {
        let name = "counter"
        let prepared: Overlap
        var types: Set<String>? { ["tick"] }
        var pace: ConsumerPace { .bulk }
        func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {}
        func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
            prepared.enter()
            prepared.leave()
        }
        func seal() -> @Sendable (any StoreTransaction) throws -> Void { { _ in } }
    }

    @Test("following the journal, a consumer whose pass waited prepareWaitMax prepares while another holds the only slot")
    func aHeldSlotDoesNotStarveTheOthers() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore(synchronous: .off)
            let (started, prepared, letGo) = (Overlap(), Overlap(), DispatchSemaphore(value: 0))
            let runner = ConsumerRunner(
                store: store, consumers: [Hog(started: started, letGo: letGo), Counter(prepared: prepared)], pollInterval: .seconds(600),
                batchSpacing: .zero, bulkBatchSpacing: .zero, preparesMax: 1, prepareWaitMax: .milliseconds(50), logger: .quiet())
            let running = Task { try await runner.run() }
            try await store.seed(1, type: "hog")
            try await waitUntil { started.entered >= 1 }
            // The hog holds the only slot, and keeps it: ticks are still prepared, each pass
            // after waiting its 50 ms.
            try await store.seed(3, type: "tick")
            try await waitUntil { prepared.entered >= 3 }
            #expect(runner.prepareGate.freeSlots == 0, "the hog let its slot go")
            letGo.signal()
            running.cancel()
            try await running.value
        }
    }
}
