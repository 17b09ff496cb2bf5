@testable import Books
@testable import EngineCore
import EngineTesting
import GRDB
@testable import Storage
import Testing
@testable import Engine

/// Concurrent bursts in one group commit, crashes mid-batch and around consumer batches.
extension MoneyCrashRun {
    /// Sends 2-6 order-independent requests at once so they share one group commit (and,
    /// sometimes, a consumer pass). A doomed burst's batch fails at COMMIT, as if the process
    /// died with the batch in flight: nobody may get a receipt, nothing may remain after the
    /// restart, and every request, retried, must behave as new.
    mutating func burst(doomed: Bool) async throws {
        let size = Int.random(in: 2...6, using: &rng)
        let ops = burstOps(size)
        let hasRefund = ops.contains { if case .refund = $0 { true } else { false } }
        let withConsumers = Bool.random(using: &rng) && (doomed || !hasRefund)
        let cursor = try await self.cursor()
        let expected = ops.map { model.expect($0) }
        let (outcomes, consumerFailed) = await engine.burst(ops, doomed: doomed, withConsumers: withConsumers)
        guard doomed else {
            for (op, (outcome, expectation)) in zip(ops, zip(outcomes, expected)) {
                try await check(op, outcome, expectation, cursor: cursor)
            }
            #expect(!consumerFailed, "seed \(seed): a consumer pass in a healthy batch failed")
            return
        }
        for (op, outcome) in zip(ops, outcomes) {
            #expect(outcome == .unacknowledged, "seed \(seed): \(op) in a batch that never committed answered \(outcome)")
            model.lose(op)
        }
        #expect(consumerFailed == withConsumers, "seed \(seed): the consumer pass in the doomed batch")
        #expect(try await self.cursor() == cursor)
        try await reopen()
        try await verify("seed \(seed): after the restart")
        for op in lostOps() {
            guard Bool.random(using: &rng) else { continue }
            try await single(op)
            stats["retried after a crash", default: 0] += 1
        }
    }

    /// One to three consumer passes of two entries each; then, maybe, a crash.
    mutating func consumerPasses(crashAfter: Bool) async throws {
        let passes = Int.random(in: (crashAfter ? 0 : 1)...3, using: &rng)
        for _ in 0..<passes {
            try await engine.runner.drainOnce()
        }
        if crashAfter { try await reopen() }
    }

    /// The consumer fails fatally after applying one or two entries of its batch: the batch
    /// (effects and cursor) must roll back whole; then the process restarts.
    mutating func crashInsideConsumerBatch() async throws {
        let before = try await cursor()
        let after = Int.random(in: 1...2, using: &rng)
        engine.steps.crash(after: after)
        do {
            try await engine.runner.drainOnce()
        } catch is SimulatedCrash {
            #expect(try await cursor() == before, "seed \(seed): a crashed consumer batch moved the cursor")
        }
        engine.steps.crash(after: nil)
        try await reopen()
    }

    /// A process that applied a consumer batch and died before COMMIT: the store is dropped,
    /// the batch runs on a raw connection whose transaction is never committed.
    mutating func abandonConsumerTransaction() async throws {
        let before = try await cursor()
        let (runner, steps) = (engine.runner, engine.steps)
        try engine.store.close()
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let dying = try DatabaseQueue(path: database.path, configuration: config)
        try dying.inDatabase { db in
            try db.beginTransaction(.immediate)
            _ = try runner.process(steps, in: db)
        }
        try dying.close()
        try await reopen(closing: false)
        #expect(try await cursor() == before, "seed \(seed): an uncommitted consumer batch moved the cursor")
    }

    /// Consumers catch up: every after_commit effect must now be applied, each once.
    mutating func catchUp() async throws {
        let report = try await engine.runner.drain()
        #expect(report.parked == 0 && report.failed == 0, "seed \(seed): \(report)")
        let (cursor, latest) = try await engine.store.read { db in
            (try ConsumerRunner.cursor(of: "gift-steps", in: db), try Journal.latestOffset(db))
        }
        #expect(cursor == latest, "seed \(seed): caught up to \(cursor) of \(latest)")
        #expect(cursor >= model.gifts.last?.offset ?? 0)
    }

    /// Drops every engine object and opens the same file again, as a restarted process.
    mutating func reopen(closing: Bool = true) async throws {
        if closing { try engine.store.close() }
        engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: clock)
    }
}

extension MoneyEngine {
    /// Runs one request; errors become the refusal's code, a failed commit `unacknowledged`.
    func perform(_ op: MoneyOp) async -> MoneyOutcome {
        do {
            switch op {
            case .send(let r): return .sent(try await sender.send(r))
            case .topUp(let c): return .credited(try await topUps.credit(c))
            case .refund(let offset): return .refunded(try await refunds.refund(offset: offset, reason: "chargeback", by: "ops"))
            }
        } catch let error as StorageError where error.code == "storage_commit_failed" {
            return .unacknowledged
        } catch let error as any ShowrunnerError {
            return .refused(error.code)
        } catch {
            return .refused("unexpected: \(error)")
        }
    }

    /// Runs `ops` (plus a consumer pass, plus a doomed write) as one group commit: a blocker
    /// holds the writer until all of them are queued, so they make up the next batch.
    /// - Returns: each request's outcome, and whether the consumer pass failed.
    func burst(_ ops: [MoneyOp], doomed: Bool, withConsumers: Bool) async -> ([MoneyOutcome], Bool) {
        let queued = ops.count + (doomed ? 1 : 0) + (withConsumers ? 1 : 0)
        let started = Flag()
        return await withTaskGroup(of: (Int, MoneyOutcome).self) { group in
            group.addTask { [store] in
                _ = try? await store.write { _ in
                    started.set()
                    store.waitForQueued(queued)
                }
                return (-1, .unacknowledged)
            }
            while !started.isSet { try? await Task.sleep(for: .milliseconds(1)) }
            for (index, op) in ops.enumerated() {
                group.addTask { (index, await perform(op)) }
            }
            if doomed {
                group.addTask { (-2, await doomBatch() ? .unacknowledged : .refused("the doomed batch committed")) }
            }
            if withConsumers {
                group.addTask { [runner] in
                    do {
                        try await runner.drainOnce()
                        return (-3, .refused("ok"))
                    } catch {
                        return (-3, .unacknowledged)
                    }
                }
            }
            var outcomes = [MoneyOutcome](repeating: .refused("missing"), count: ops.count)
            var consumerFailed = false
            for await (index, outcome) in group {
                if index >= 0 { outcomes[index] = outcome }
                if index == -2 { #expect(outcome == .unacknowledged) }
                if index == -3 { consumerFailed = outcome == .unacknowledged }
            }
            return (outcomes, consumerFailed)
        }
    }
}
