import Foundation
import EngineTesting
import GRDB
import Testing
@testable import Engine

/// Seeds and steps come from `SHOWRUNNER_LEDGER_SEEDS` (comma-separated) and
/// `SHOWRUNNER_LEDGER_STEPS`, for soak runs.
@Suite struct LedgerPropertyTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seeds: [UInt64] = environment["SHOWRUNNER_LEDGER_SEEDS"].map {
        $0.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
    } ?? [1, 7, 42, 1337, 20_240_601]
    static let steps = environment["SHOWRUNNER_LEDGER_STEPS"].flatMap(Int.init) ?? 200

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
