@testable import Books
@testable import EngineCore
import EngineTesting
import Foundation
@testable import Storage
import Testing
@testable import Engine

/// A gift-send store and the ledger and catalog over the same database.
struct GiftSendBackend: Sendable {
    let store: any GiftSendStore
    let ledger: Ledger
    let catalog: GiftCatalog
}

/// What every `GiftSendStore` backend must do (see the protocols' doc comments): a send's
/// transaction reads what the batch has written before it, keeps its writes until COMMIT, and an
/// operation that throws leaves nothing behind while the rest of its batch commits.
@Suite("GiftSendStore conformance")
struct GiftSendStoreConformanceTests {
    static let backends: [StoreBackend<GiftSendBackend>] = [
        .sqlite { store in
            let ledger = Ledger(store: store)
            return GiftSendBackend(
                store: SQLiteGiftSendStore(store: store, ledger: ledger, guilds: nil, calendar: OperationsCalendar()), ledger: ledger,
                catalog: GiftCatalog(store: SQLiteGiftCatalogStore(store)))
        }
    ]

    static let names = GiftLegs.Names(senderID: "v1", sendID: "k1", streamerID: "s1", giftID: "rose", count: 2, roomID: "r1")
    static let request = GiftSendRequest(roomID: "r1", senderID: "v1", giftID: "rose", count: 2, idempotencyKey: "k1")

    /// A 20-coin gift of `request`, 10 to the streamer and 10 to the platform.
    static func receipt(ledgerTime: Int64) -> GiftReceipt {
        GiftReceipt(
            sendID: "k1", roomID: "r1", senderID: "v1", streamerID: "s1", giftID: "rose", giftVersion: 1, count: 2, priceCoins: 10,
            totalCoins: 20, streamerRevenue: 10, guildShare: 0, platformFee: 10, combo: 1, balanceCoins: 80, transferIDs: [],
            ledgerTime: ledgerTime)
    }

    static func seed(_ backend: GiftSendBackend, coins: Int64) async throws {
        _ = try await backend.catalog.put(id: "rose", GiftEdit(name: "Rose", priceCoins: 10))
        _ = try await backend.ledger.transfer([coinsTopUp("seed", "v1", coins)])
    }

    /// Sends `request` as the gift path does: its key looked up, its legs checked, its row
    /// appended, its moves applied.
    static func send(_ store: any GiftSendStore) async throws -> GiftReceipt {
        try await store.send { tx in
            guard try tx.prior(request, key: names.key) == nil else { throw Aborted() }
            var receipt = receipt(ledgerTime: try tx.nextLedgerTime(now: 1_000))
            let legs = GiftLegs.of(receipt, names)
            let moves = try tx.check(legs)
            receipt.transferIDs = legs.map(\.id)
            receipt.balanceCoins = moves.balance(of: names.payer) ?? -1
            try tx.appendGift(json: receipt.jsonText, key: names.key, payer: names.payer, payee: names.streamerRevenue, moves: moves, at: 1_000)
            tx.apply(moves, at: 1_000)
            return receipt
        }
    }

    /// The ledger error's code that `prior` throws for `request` under its key, changed by
    /// `change`; nil when it throws none.
    static func priorError(_ store: any GiftSendStore, _ change: (inout GiftSendRequest) -> Void) async -> String? {
        var changed = request
        change(&changed)
        let other = changed
        let error = await thrown { _ = try await store.send { tx in try tx.prior(other, key: names.key) } }
        return (error as? LedgerError)?.code
    }

    @Test(arguments: backends)
    func aSentGiftIsItsKeysPriorAndMovesItsLegs(_ backend: StoreBackend<GiftSendBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (b, _) = try backend.open(tmp)
            try await Self.seed(b, coins: 100)
            let none = try await b.store.send { tx in try tx.prior(Self.request, key: Self.names.key) == nil }
            #expect(none)
            let sent = try await Self.send(b.store)
            #expect(sent.balanceCoins == 80)
            let prior = try await b.store.send { tx in try tx.prior(Self.request, key: Self.names.key) }
            guard case .success(let stored)? = prior else {
                Issue.record("no receipt under the key: \(String(describing: prior))")
                return
            }
            #expect(stored == sent)
            #expect(try await b.ledger.balance(.user("v1", "coins")) == 80)
            #expect(try await b.ledger.balance(.user("s1", "revenue")) == 10)
            // The same key with another body is a conflict.
            let conflict = await Self.priorError(b.store) { $0.count = 3 }
            #expect(conflict == "idempotency_conflict")
        }
    }

    @Test(arguments: backends)
    func aRefusalIsStoredUnderItsKey(_ backend: StoreBackend<GiftSendBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (b, _) = try backend.open(tmp)
            try await Self.seed(b, coins: 5)
            let failure = RecordedFailure(LedgerError.insufficientFunds(.user("v1", "coins"), available: 5, amount: 20))
            try await b.store.send { tx in try tx.recordRefusal(Self.request, key: Self.names.key, failure, at: 1_000) }
            let prior = try await b.store.send { tx in try tx.prior(Self.request, key: Self.names.key) }
            guard case .failure(let stored)? = prior else {
                Issue.record("no refusal under the key: \(String(describing: prior))")
                return
            }
            #expect(stored.code == "insufficient_funds" && stored.message == failure.message)
            let conflict = await Self.priorError(b.store) { $0.roomID = "r2" }
            #expect(conflict == "idempotency_conflict")
        }
    }

    @Test(arguments: backends)
    func checksRefuseWithoutChangingAndReadTheBatchsOwnWrites(_ backend: StoreBackend<GiftSendBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (b, _) = try backend.open(tmp)
            try await Self.seed(b, coins: 30)
            let (rose, none) = try await b.store.send { tx in (try tx.gift(id: "rose")?.priceCoins, try tx.gift(id: "none")) }
            #expect(rose == 10 && none == nil)
            _ = try await Self.send(b.store)
            // 10 coins left: a second 20-coin gift is refused by the check, which changes nothing.
            let refused = await thrown {
                _ = try await b.store.send { tx in
                    var receipt = Self.receipt(ledgerTime: 1)
                    receipt.sendID = "k2"
                    _ = try tx.check(GiftLegs.of(receipt, GiftLegs.Names(receipt)))
                }
            }
            #expect((refused as? LedgerError)?.code == "insufficient_funds")
            let seen = try await b.store.send { tx in try tx.account(.user("v1", "coins")) }
            #expect(seen.balance == 10 && seen.pendingDebits == 0)
            #expect(try await b.ledger.balance(.user("v1", "coins")) == 10)
            let nobody = try await b.store.send { tx in try tx.account(.user("nobody", "coins")).balance }
            #expect(nobody == 0)
        }
    }

    @Test(arguments: backends)
    func anOperationThatThrowsFailsAloneAndItsBatchCommits(_ backend: StoreBackend<GiftSendBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (b, _) = try backend.open(tmp)
            try await Self.seed(b, coins: 100)
            struct Refused: Error {}
            let store = b.store
            let failing = Task {
                try await store.send { tx in
                    _ = try tx.check(GiftLegs.of(Self.receipt(ledgerTime: 1), Self.names))
                    throw Refused()
                }
            }
            let sent = try await Self.send(store)
            let failure = await thrown { try await failing.value }
            #expect(failure is Refused)
            #expect(sent.balanceCoins == 80)
            #expect(try await b.ledger.balance(.user("v1", "coins")) == 80)
        }
    }

    @Test(arguments: backends)
    func ledgerTimeOnlyGoesUp(_ backend: StoreBackend<GiftSendBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (b, _) = try backend.open(tmp)
            let times = try await b.store.send { tx in [try tx.nextLedgerTime(now: 5), try tx.nextLedgerTime(now: 5), try tx.nextLedgerTime(now: 1)] }
            #expect(times[0] >= 5_000 && times[1] > times[0] && times[2] > times[1])
        }
    }
}
