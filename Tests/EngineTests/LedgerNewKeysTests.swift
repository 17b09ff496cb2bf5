import EngineTesting
import GRDB
import Testing
@testable import Engine

/// `apply(_:newKeys:now:)`: the chain of a caller that knows its keys are new skips the
/// idempotency lookups, and the rest of the ledger's checks still hold.
@Suite struct LedgerNewKeysTests {
    @Test func newKeysWriteWhatApplyWouldAndKeepTheChecks() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100)
        let now = fx.clock.nowMillis()
        let ledger = fx.ledger
        let written = try await fx.store.write { db in
            try ledger.apply(db, newKeys: [coins("n1", "alice", "bob", 30), coins("n2", "alice", "carol", 20)], now: now)
        }
        #expect(written.map(\.id) == ["n1", "n2"] && written[1].ts > written[0].ts)
        #expect(try await fx.ledger.balance(.user("alice", "coins")) == 50)
        // A plain retry finds the chain written with the same body.
        #expect(try await fx.ledger.transfer([coins("n1", "alice", "bob", 30), coins("n2", "alice", "carol", 20)]) == written)
        // Funds are still checked, in the account's row, and the chain stays all or nothing.
        let refused = await #expect(throws: LedgerError.self) {
            try await fx.store.write { db in
                try ledger.apply(db, newKeys: [coins("n3", "alice", "bob", 50), coins("n4", "alice", "bob", 1)], now: now)
            }
        }
        #expect(refused?.reason == .insufficientFunds)
        #expect(try await fx.ledger.balance(.user("alice", "coins")) == 50)
        try await fx.expectClean()
    }

    @Test func aKeyThatExistsAfterAllIsRefusedByTheHistoryNotAppliedTwice() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100)
        _ = try await fx.ledger.transfer([coins("k1", "alice", "bob", 10)])
        let now = fx.clock.nowMillis()
        let ledger = fx.ledger
        await #expect(throws: DatabaseError.self) {
            try await fx.store.write { db in try ledger.apply(db, newKeys: [coins("k1", "alice", "bob", 10)], now: now) }
        }
        #expect(try await fx.ledger.balance(.user("alice", "coins")) == 90)
        #expect(try await fx.ledger.balance(.user("bob", "coins")) == 10)
        try await fx.expectClean()
    }
}
