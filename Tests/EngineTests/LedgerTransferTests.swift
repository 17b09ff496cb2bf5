@testable import Books
import EngineTesting
import GRDB
import Testing
@testable import Engine

@Suite struct LedgerTransferTests {
    @Test func topUpAndTransferMoveMoneyWithIncreasingLedgerTime() async throws {
        let fx = try LedgerFixture()
        let topUp = try await fx.topUp("alice", 500)
        let sent = try await fx.ledger.transfer([coins("t1", "alice", "bob", 120, memo: "hi")])[0]
        #expect(topUp.kind == .posted && topUp.amount == 500)
        #expect(sent.ts > topUp.ts && sent.seq > topUp.seq)
        #expect(sent.ts >= fx.clock.nowMillis() * 1000)
        #expect(try await fx.ledger.balance(.user("alice", "coins")) == 380)
        #expect(try await fx.ledger.balances(user: "bob") == ["coins": 120, "tickets": 0, "revenue": 0])
        #expect(try await fx.ledger.balance(.system(.paymentClearing, "coins")) == -500)
        try await fx.expectClean()
    }

    @Test func sameKeySameBodyReturnsTheOriginalAndOtherBodyConflicts() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100)
        let first = try await fx.ledger.transfer([coins("k1", "alice", "bob", 40)])
        fx.clock.advance(byMillis: 5000)
        let again = try await fx.ledger.transfer([coins("k1", "alice", "bob", 40)])
        #expect(again == first)
        #expect(await ledgerReason { try await fx.ledger.transfer([coins("k1", "alice", "bob", 41)]) } == .idempotencyConflict)
        #expect(await ledgerReason { try await fx.ledger.transfer([coins("k1", "alice", "bob", 40), coins("k2", "alice", "bob", 1)]) } == .idempotencyConflict)
        #expect(try await fx.ledger.balance(.user("alice", "coins")) == 60)
        try await fx.expectClean()
    }

    @Test func aFailedKeyStaysFailedEvenWhenFundsArrive() async throws {
        let fx = try LedgerFixture()
        let failed = try await #require(throws: LedgerError.self) { try await fx.ledger.transfer([coins("k1", "alice", "bob", 40)]) }
        #expect(failed.reason == .insufficientFunds)
        try await fx.topUp("alice", 100)
        let replayed = try await #require(throws: LedgerError.self) { try await fx.ledger.transfer([coins("k1", "alice", "bob", 40)]) }
        #expect(replayed == failed)
        #expect(await ledgerReason { try await fx.ledger.transfer([coins("k1", "alice", "bob", 1)]) } == .idempotencyConflict)
        #expect(try await fx.ledger.transfer([coins("k2", "alice", "bob", 40)]).count == 1)
        try await fx.expectClean()
    }

    @Test func aLinkedChainCommitsAllOrNothing() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("viewer", 100)
        let gift: (String, Int64) -> [TransferRequest] = { id, price in
            [
                coins("\(id)-pay", "viewer", "streamer", price),
                TransferRequest(id: "\(id)-fee", debit: .user("streamer", "coins"), credit: .system(.platformFees, "coins"),
                                asset: "coins", amount: price / 2, code: "fee"),
                TransferRequest(id: "\(id)-guild", debit: .user("streamer", "coins"), credit: .guild("g1", "coins"),
                                asset: "coins", amount: price / 4, code: "guild_share"),
            ]
        }
        let ok = try await fx.ledger.transfer(gift("g1", 80))
        #expect(ok.map(\.linkedBatch) == ["g1-pay", "g1-pay", "g1-pay"])
        #expect(await ledgerReason { try await fx.ledger.transfer(gift("g2", 40)) } == .insufficientFunds)
        // The third leg overdraws the streamer: the first two must not stay.
        var overdraw = gift("g3", 20)
        overdraw[2].amount = 1000
        #expect(await ledgerReason { try await fx.ledger.transfer(overdraw) } == .insufficientFunds)
        #expect(try await fx.ledger.balance(.user("viewer", "coins")) == 20)
        #expect(try await fx.ledger.balance(.user("streamer", "coins")) == 20)
        #expect(try await fx.ledger.balance(.guild("g1", "coins")) == 20)
        try await fx.expectClean()
    }

    @Test func applyRunsInsideTheCallersTransactionWithItsJournalFact() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 10)
        let entry = try await fx.store.write { db in
            let transfers = try fx.ledger.apply(db, [coins("j1", "alice", "bob", 10)], now: fx.clock.nowMillis())
            return try Journal.append(db, type: "gift", payload: transfers, at: fx.clock.nowMillis())
        }
        #expect(try entry.decodePayload(as: [Transfer].self).first?.id == "j1")
        struct Crash: Error {}
        await #expect(throws: Crash.self) {
            try await fx.store.write { db in
                _ = try fx.ledger.apply(db, [coins("j2", "bob", "alice", 5)], now: fx.clock.nowMillis())
                throw Crash()
            }
        }
        #expect(try await fx.ledger.balance(.user("bob", "coins")) == 10)
        #expect(try await fx.ledger.transfer([coins("j2", "bob", "alice", 5)]).count == 1)
        try await fx.expectClean()
    }

    @Test func historyPagesNewestFirstWithAnOpaqueCursor() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 1000, id: "top")
        for i in 0..<7 { _ = try await fx.ledger.transfer([coins("p\(i)", "alice", "bob", 1)]) }
        _ = try await fx.topUp("alice", 5, id: "tickets", asset: "tickets")
        var ids: [String] = []
        var cursor: String?
        repeat {
            let page = try await fx.ledger.transfers(user: "alice", cursor: cursor, limit: 3)
            ids += page.transfers.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(ids == ["tickets", "p6", "p5", "p4", "p3", "p2", "p1", "p0", "top"])
        let bob = try await fx.ledger.transfers(account: .user("bob", "coins"), limit: 200)
        #expect(bob.transfers.count == 7 && bob.nextCursor == nil)
    }
}
