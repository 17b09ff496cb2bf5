@testable import Books
@testable import EngineCore
import EngineTesting
import GRDB
import Testing
@testable import Engine

@Suite struct LedgerEdgeTests {
    static let badRequests: [(TransferRequest, LedgerError.Reason)] = [
        (coins("a", "alice", "bob", 0), .invalidAmount),
        (coins("a", "alice", "bob", -5), .invalidAmount),
        (coins("a", "alice", "bob", .min), .invalidAmount),
        (coins("a", "alice", "alice", 1), .sameAccount),
        (coins("", "alice", "bob", 1), .invalidIdempotencyKey),
        (coins(String(repeating: "k", count: 129), "alice", "bob", 1), .invalidIdempotencyKey),
        (coins("has space", "alice", "bob", 1), .invalidIdempotencyKey),
        (coins("~reserved", "alice", "bob", 1), .invalidIdempotencyKey),
        (coins("a", "alice", "bob", 1, memo: String(repeating: "m", count: 201)), .invalidMemo),
        (coins("a", "", "bob", 1), .invalidAccount),
        (coins("a", "al:ice", "bob", 1), .invalidAccount),
        (coins("a", String(repeating: "u", count: 65), "bob", 1), .invalidAccount),
        (TransferRequest(id: "a", debit: .user("a", "gems"), credit: .user("b", "gems"), asset: "gems", amount: 1, code: "x"), .unknownAsset),
        (TransferRequest(id: "a", debit: .user("a", "coins"), credit: .user("b", "tickets"), asset: "coins", amount: 1, code: "x"), .invalidAccount),
        (TransferRequest(id: "a", debit: .user("a", "coins"), credit: .user("b", "coins"), asset: "coins", amount: 1, code: "Bad Code"), .invalidCode),
    ]

    @Test(arguments: badRequests)
    func rejectsBadInputWithoutMovingMoney(request: TransferRequest, reason: LedgerError.Reason) async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 10)
        #expect(await ledgerReason { try await fx.ledger.transfer([request]) } == reason)
        #expect(try await fx.ledger.balance(.user("alice", "coins")) == 10)
        try await fx.expectClean()
    }

    @Test func limitsOnChainsTimeoutsAndAmountsToPost() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 10)
        #expect(await ledgerReason { try await fx.ledger.transfer([]) } == .invalidChain)
        let long = (0...64).map { coins("c\($0)", "alice", "bob", 1) }
        #expect(await ledgerReason { try await fx.ledger.transfer(long) } == .invalidChain)
        #expect(await ledgerReason { try await fx.ledger.transfer([coins("d", "alice", "bob", 1), coins("d", "alice", "bob", 2)]) } == .invalidChain)
        #expect(await ledgerReason { try await fx.ledger.pending(coins("p", "alice", "bob", 1), timeoutMillis: 0) } == .invalidTimeout)
        #expect(await ledgerReason { try await fx.ledger.post(id: "s", pendingID: "p", amount: 0) } == .invalidAmount)
        #expect(await ledgerReason { try await fx.ledger.reverse("x", reason: String(repeating: "r", count: 201), id: "r") } == .invalidMemo)
    }

    @Test func overflowIsATypedErrorOnCreditDebitAndReservation() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("whale", .max, id: "max")
        #expect(await ledgerReason { try await fx.topUp("whale", 1, id: "one-more") } == .amountOverflow)
        // The source stands at -Int64.max: one more unit reaches Int64.min, then nothing fits.
        try await fx.topUp("other", 1, id: "min")
        #expect(await ledgerReason { try await fx.topUp("third", 1, id: "past-min") } == .amountOverflow)
        #expect(try await fx.ledger.balance(.user("whale", "coins")) == .max)
        let promo = AccountID.system(.promotions, "coins")
        _ = try await fx.ledger.pending(TransferRequest(id: "h1", debit: promo, credit: .user("x", "coins"), asset: "coins", amount: .max, code: "grant"), timeoutMillis: 1000)
        #expect(await ledgerReason { try await fx.ledger.pending(TransferRequest(id: "h2", debit: promo, credit: .user("x", "coins"), asset: "coins", amount: 1, code: "grant"), timeoutMillis: 1000) } == .amountOverflow)
        try await fx.expectClean()
    }

    @Test func readsValidateLimitsCursorsAndAccounts() async throws {
        let fx = try LedgerFixture()
        for limit in [0, -1, 201] {
            #expect(await ledgerReason { try await fx.ledger.transfers(user: "alice", limit: limit) } == .invalidLimit)
        }
        for cursor in ["", "nope!", Base64URL.encode(Array("ledger:x".utf8)), Base64URL.encode(Array("ledger:0".utf8))] {
            #expect(await ledgerReason { try await fx.ledger.transfers(user: "alice", cursor: cursor) } == .invalidCursor)
        }
        #expect(await ledgerReason { try await fx.ledger.balance(.user("alice", "gems")) } == .unknownAsset)
        #expect(await ledgerReason { try await fx.ledger.balances(user: "a b") } == .invalidAccount)
        #expect(try await fx.ledger.available(.user("nobody", "coins")) == 0)
    }

    @Test func declaredAssetsAreValidatedAndUsable() async throws {
        #expect(throws: LedgerError(.invalidAsset, "asset id 'Gems' must match ^[a-z][a-z0-9_]{0,31}$")) {
            try LedgerConfiguration(declaredAssets: ["Gems"])
        }
        #expect((try? LedgerConfiguration(declaredAssets: ["coins"])) == nil)
        #expect((try? LedgerConfiguration(declaredAssets: ["gems", "gems"])) == nil)
        let fx = try LedgerFixture(configuration: LedgerConfiguration(declaredAssets: ["gems"]))
        try await fx.topUp("alice", 3, asset: "gems")
        #expect(try await fx.ledger.balances(user: "alice") == ["coins": 0, "tickets": 0, "revenue": 0, "gems": 3])
        #expect(try AccountID(parsing: "system:platform_fees:gems") == .system(.platformFees, "gems"))
        #expect((try? AccountID(parsing: "system:bank:coins")) == nil)
        #expect((try? AccountID(parsing: "user:a")) == nil)
    }

    @Test("an account id hashes once when made: ids made apart (parsed, built, kept) are equal with equal hashes; any difference in kind, owner or asset tells them apart")
    func accountIDsHashAndCompareByOwnerAndAsset() throws {
        let built = AccountID.user("alice", "coins")
        let parsed = try AccountID(parsing: "user:alice:coins")
        #expect(built == parsed && built.hashValue == parsed.hashValue)
        #expect(try AccountID(parsing: "system:gift_clearing:coins") == .system(.giftClearing, "coins"))
        let apart: [AccountID] = [
            built, .guild("alice", "coins"), .user("alice", "revenue"), .user("alicf", "coins"), .user("", "coins"),
            .system(.giftClearing, "coins"), .system(.platformFees, "coins"), .system(.giftClearing, "revenue"),
        ]
        #expect(Set(apart).count == apart.count)
        var index: [AccountID: Int] = [:]
        for (i, id) in apart.enumerated() { index[id] = i }
        for (i, id) in apart.enumerated() {
            guard !id.ownerName.isEmpty else { continue }  // no text parses to an empty owner
            #expect(index[try AccountID(parsing: id.description)] == i, "\(id) found again by its text")
        }
    }

    @Test func everyReasonHasAStableCodeAndKind() {
        #expect(LedgerError.Reason.insufficientFunds.kind == .unprocessable)
        #expect(LedgerError.Reason.idempotencyConflict.kind == .conflict)
        #expect(LedgerError.insufficientFunds(.user("a", "coins"), available: 1, amount: 2).code == "insufficient_funds")
        #expect(Set(LedgerError.Reason.allCases.map(\.rawValue)).count == LedgerError.Reason.allCases.count)
    }
}
