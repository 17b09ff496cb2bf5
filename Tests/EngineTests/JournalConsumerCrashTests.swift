import EngineTesting
import GRDB
@testable import Storage
import Testing
@testable import Engine

@Suite struct JournalConsumerCrashTests {
    @Test func aFatalFaultMidBatchThenARestartAppliesEveryEffectOnce() async throws {
        try await TemporaryDatabase.with { tmp in
            let first = try tmp.openStore()
            try await first.seed(100)
            let crashing = ScriptedConsumer(name: "effects", script: ConsumerScript(crashAt: 25))
            let runner = ConsumerRunner(store: first, consumers: [crashing], batchSize: 10, logger: .quiet())
            await #expect(throws: SimulatedCrash.self) { try await runner.drain() }
            // Batches 1-10 and 11-20 committed; the batch holding 25 left nothing behind.
            #expect(try await first.effects(of: "effects") == Array(1...20))
            #expect(try await runner.lag() == ["effects": 80])
            try first.close()

            let second = try tmp.openStore()
            let healthy = ScriptedConsumer(name: "effects")
            let resumed = ConsumerRunner(store: second, consumers: [healthy], batchSize: 10, logger: .quiet())
            let report = try await resumed.drain()
            #expect(report.applied == 80)
            #expect(healthy.script.calls(at: 20) == 0)
            #expect(try await second.effects(of: "effects") == Array(1...100))
            #expect(try await resumed.lag() == ["effects": 0])
        }
    }

    @Test func aTransactionLostWithItsConnectionIsReplayedOnce() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seed(30)
            let consumer = ScriptedConsumer(name: "effects")
            let runner = ConsumerRunner(store: store, consumers: [consumer], batchSize: 10, logger: .quiet())
            try await runner.drainOnce()
            try store.close()

            // A process that applied the next batch and died before COMMIT.
            var config = Configuration()
            config.allowsUnsafeTransactions = true
            let doomed = try DatabaseQueue(path: tmp.path, configuration: config)
            try doomed.inDatabase { db in
                try db.beginTransaction(.immediate)
                let report = try runner.process(consumer, in: db)
                #expect(report.applied == 10)
            }
            try doomed.close()

            let reopened = try tmp.openStore()
            let resumed = ConsumerRunner(store: reopened, consumers: [consumer], batchSize: 10, logger: .quiet())
            #expect(try await resumed.lag() == ["effects": 20])
            try await resumed.drain()
            #expect(try await reopened.effects(of: "effects") == Array(1...30))
            #expect(consumer.script.calls(at: 15) == 2)
        }
    }
}
