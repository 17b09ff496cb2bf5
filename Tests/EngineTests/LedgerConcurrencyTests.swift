@testable import Books
import EngineTesting
import GRDB
import Testing
@testable import Engine

@Suite struct LedgerConcurrencyTests {
    @Test func twoHundredConcurrentSpendsFromAWalletThatAffordsOneHundred() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("viewer", 100)
        let outcomes = await withTaskGroup(of: LedgerError.Reason?.self) { group in
            for i in 0..<200 {
                group.addTask {
                    await ledgerReason { try await fx.ledger.transfer([coins("spend-\(i)", "viewer", "streamer-\(i % 8)", 1)]) }
                }
            }
            return await group.reduce(into: [LedgerError.Reason?]()) { $0.append($1) }
        }
        #expect(outcomes.count { $0 == nil } == 100)
        #expect(outcomes.count { $0 == .insufficientFunds } == 100)
        #expect(try await fx.ledger.balance(.user("viewer", "coins")) == 0)
        try await fx.expectClean()
    }

    @Test func sixtyFourSendersToOneHotAccountAtOnce() async throws {
        let fx = try LedgerFixture()
        for i in 0..<64 { try await fx.topUp("sender-\(i)", 1000) }
        let failures = await withTaskGroup(of: LedgerError.Reason?.self) { group in
            for i in 0..<64 {
                group.addTask {
                    await ledgerReason {
                        for round in 0..<5 {
                            _ = try await fx.ledger.transfer([coins("hot-\(i)-\(round)", "sender-\(i)", "hot", Int64(i + 1))])
                        }
                    }
                }
            }
            return await group.reduce(into: [LedgerError.Reason?]()) { $0.append($1) }
        }
        #expect(failures.allSatisfy { $0 == nil })
        let expected = (1...64).reduce(Int64(0)) { $0 + Int64($1) * 5 }
        #expect(try await fx.ledger.balance(.user("hot", "coins")) == expected)
        try await fx.expectClean()
    }
}
