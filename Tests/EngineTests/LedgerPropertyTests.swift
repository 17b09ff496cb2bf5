import Foundation
import EngineTesting
import GRDB
import Testing
@testable import Engine

/// Seeds and steps come from `SHOWRUNNER_LEDGER_SEEDS` (comma-separated) and
/// `SHOWRUNNER_LEDGER_STEPS`, for soak runs.
@Suite struct LedgerPropertyTests {
    static let seeds = SoakKnobs.seeds("SHOWRUNNER_LEDGER_SEEDS", default: [1, 7, 42, 1337, 20_240_601])
    static let steps = SoakKnobs.count("SHOWRUNNER_LEDGER_STEPS", default: 200)

    @Test(arguments: seeds)
    func randomHistoriesKeepEveryInvariantAndMatchTheModel(seed: UInt64) async throws {
        var run = try LedgerPropertyRun(seed: seed)
        for index in 0..<Self.steps {
            let action = try await run.step()
            try await run.verify("seed \(seed) step \(index) (\(action))")
        }
        try run.store.close()
    }
}
