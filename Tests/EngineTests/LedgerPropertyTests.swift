import EngineTesting
import GRDB
import Testing
@testable import Engine

@Suite struct LedgerPropertyTests {
    @Test(arguments: [1, 7, 42, 1337, 20_240_601] as [UInt64])
    func randomHistoriesKeepEveryInvariantAndMatchTheModel(seed: UInt64) async throws {
        var run = try LedgerPropertyRun(seed: seed)
        for index in 0..<200 {
            let action = try await run.step()
            try await run.verify("seed \(seed) step \(index) (\(action))")
        }
        try run.store.close()
    }
}
