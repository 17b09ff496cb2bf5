@testable import Books
import EngineTesting
import GRDB
import Testing
@testable import Engine

@Suite struct LedgerTwoPhaseTests {
    let order = { (id: String, amount: Int64) in
        TransferRequest(id: id, debit: .user("alice", "coins"), credit: .system(.partnerClearing, "coins"),
                        asset: "coins", amount: amount, code: "order")
    }

    @Test func pendingReservesThenPostMovesAtMostTheReservation() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100)
        let hold = try await fx.ledger.pending(order("hold", 70), timeoutMillis: 60_000)
        #expect(hold.kind == .pending && hold.expiresAt == hold.ts + 60_000_000)
        #expect(try await fx.ledger.balance(.user("alice", "coins")) == 100)
        #expect(try await fx.ledger.available(.user("alice", "coins")) == 30)
        #expect(await ledgerReason { try await fx.ledger.transfer([coins("t", "alice", "bob", 31)]) } == .insufficientFunds)
        #expect(await ledgerReason { try await fx.ledger.post(id: "big", pendingID: "hold", amount: 71) } == .postExceedsPending)
        let post = try await fx.ledger.post(id: "post", pendingID: "hold", amount: 50)
        #expect(post.kind == .post && post.pendingID == "hold" && post.amount == 50)
        #expect(try await fx.ledger.balance(.user("alice", "coins")) == 50)
        #expect(try await fx.ledger.available(.user("alice", "coins")) == 50)
        #expect(await ledgerReason { try await fx.ledger.post(id: "post2", pendingID: "hold") } == .pendingAlreadyClosed)
        #expect(await ledgerReason { try await fx.ledger.void(id: "void", pendingID: "hold") } == .pendingAlreadyClosed)
        #expect(await ledgerReason { try await fx.ledger.post(id: "post3", pendingID: "nope") } == .pendingNotFound)
        #expect(await ledgerReason { try await fx.ledger.post(id: "post4", pendingID: post.id) } == .pendingNotFound)
        #expect(try await fx.ledger.post(id: "post", pendingID: "hold", amount: 50) == post)
        try await fx.expectClean()
    }

    @Test func voidReleasesAndExpiryFollowsTheLedgerClock() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100)
        _ = try await fx.ledger.pending(order("a", 40), timeoutMillis: 1000)
        _ = try await fx.ledger.pending(order("b", 40), timeoutMillis: 5000)
        let void = try await fx.ledger.void(id: "void-a", pendingID: "a")
        #expect(void.kind == .void && void.amount == 40)
        #expect(try await fx.ledger.available(.user("alice", "coins")) == 60)
        fx.clock.advance(byMillis: 5001)
        // Due but not yet expired in storage: reads already count it as released.
        #expect(try await fx.ledger.available(.user("alice", "coins")) == 100)
        #expect(await ledgerReason { try await fx.ledger.post(id: "late", pendingID: "b") } == .pendingExpired)
        #expect(try await fx.ledger.expirePending().isEmpty)
        let history = try await fx.ledger.transfers(account: .user("alice", "coins"))
        #expect(history.transfers.first?.id == "~expire:b")
        #expect(await ledgerReason { try await fx.ledger.void(id: "void-b", pendingID: "b") } == .pendingExpired)
        try await fx.expectClean()
    }

    @Test func lazyExpiryFreesReservationsForADebitAndExpirePendingSweeps() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100)
        try await fx.topUp("carol", 100)
        _ = try await fx.ledger.pending(order("hold", 100), timeoutMillis: 1000)
        let carolHold = TransferRequest(id: "carol-hold", debit: .user("carol", "coins"), credit: .system(.partnerClearing, "coins"),
                                        asset: "coins", amount: 10, code: "order")
        _ = try await fx.ledger.pending(carolHold, timeoutMillis: 1000)
        fx.clock.advance(byMillis: 1001)
        #expect(try await fx.ledger.transfer([coins("spend", "alice", "bob", 100)]).count == 1)
        let swept = try await fx.ledger.expirePending()
        #expect(swept.map(\.id) == ["~expire:carol-hold"])
        #expect(try await fx.ledger.available(.user("carol", "coins")) == 100)
        try await fx.expectClean()
    }

    @Test func reversalMirrorsOnceAndOnlyWhenAffordable() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100, id: "top")
        let gift = try await fx.ledger.transfer([coins("gift", "alice", "bob", 60)])[0]
        let back = try await fx.ledger.reverse("gift", reason: "refund: mistaken gift", id: "refund-1")
        #expect(back.debit == gift.credit && back.credit == gift.debit && back.amount == 60)
        #expect(back.reverses == "gift" && back.code == "reversal" && back.memo == "refund: mistaken gift")
        #expect(await ledgerReason { try await fx.ledger.reverse("gift", reason: "again", id: "refund-2") } == .alreadyReversed)
        #expect(await ledgerReason { try await fx.ledger.reverse("missing", reason: "x", id: "refund-3") } == .transferNotFound)
        _ = try await fx.ledger.transfer([coins("gift2", "alice", "bob", 50)])
        _ = try await fx.ledger.transfer([coins("spent", "bob", "carol", 50)])
        #expect(await ledgerReason { try await fx.ledger.reverse("gift2", reason: "x", id: "refund-4") } == .insufficientFunds)
        _ = try await fx.ledger.pending(order("hold", 10), timeoutMillis: 1000)
        #expect(await ledgerReason { try await fx.ledger.reverse("hold", reason: "x", id: "refund-5") } == .transferNotReversible)
        // Alice holds 50 with 10 reserved: a chargeback of the top-up cannot take 100.
        #expect(await ledgerReason { try await fx.ledger.reverse("top", reason: "chargeback", id: "refund-6") } == .insufficientFunds)
        #expect(try await fx.ledger.reverse("spent", reason: "dispute", id: "refund-7").amount == 50)
        #expect(try await fx.ledger.balance(.user("bob", "coins")) == 50)
        try await fx.expectClean()
    }
}
