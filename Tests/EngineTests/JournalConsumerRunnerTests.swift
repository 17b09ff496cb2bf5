import EngineTesting
import GRDB
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

    private func waitUntil(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await !condition() {
            try #require(ContinuousClock.now < deadline, "condition never held")
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
