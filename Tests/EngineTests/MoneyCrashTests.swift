import Foundation
import Testing
@testable import Engine
import EngineTesting

/// Seeds and steps come from `SHOWRUNNER_MONEY_CRASH_SEEDS` (comma-separated) and
/// `SHOWRUNNER_MONEY_CRASH_STEPS`, for soak runs.
@Suite struct MoneyCrashTests {
    static let seeds = SoakKnobs.seeds("SHOWRUNNER_MONEY_CRASH_SEEDS", default: [3, 99, 2_024])
    static let steps = SoakKnobs.count("SHOWRUNNER_MONEY_CRASH_STEPS", default: 300)

    /// Top-ups, gift sends (refused ones and reused keys too), refunds, group commits shared by
    /// concurrent requests and a consumer pass, and crashes: a batch that dies before COMMIT,
    /// a restart between consumer batches, a consumer batch that fails fatally midway, one
    /// lost with its connection. After every step: the ledger reconciles, every acknowledged
    /// request is there once, every unacknowledged one left nothing, and after_commit effects
    /// are applied exactly up to the consumer's cursor (all of them once it has caught up).
    @Test(arguments: seeds)
    func randomHistoriesWithCrashesLoseNothingAcknowledgedAndApplyNothingTwice(seed: UInt64) async throws {
        var run = try await MoneyCrashRun(seed: seed)
        for index in 0..<Self.steps {
            let action = try await run.step()
            try await run.verify("seed \(seed) step \(index) (\(action))")
        }
        try await run.catchUp()
        try await run.verify("seed \(seed) at the end")
        // The run must have exercised what it claims to.
        #expect(run.model.gifts.count >= 20 && run.model.refunds.count >= 3 && run.model.topUps.count >= 20, "\(run.stats)")
        #expect(run.model.sends.values.contains { $0.outcome == .refused("insufficient_funds") })
        #expect(run.model.sends.values.contains { $0.outcome == .refused("gift_refused") })
        #expect(run.stats["crash mid-batch", default: 0] >= 10 && run.stats["retried after a crash", default: 0] >= 10, "\(run.stats)")
        try run.engine.store.close()
        run.folder.remove()
    }
}
