@testable import Books
@testable import EngineCore
import EngineTesting
import Foundation
@testable import Storage
import Testing
@testable import Engine

/// A gift-steps store, the refund store over the same database (refunds are recorded there) and
/// the ledger the steps' grants move through.
struct GiftStepsBackend: Sendable {
    let store: any GiftStepsStore
    let refunds: any GiftRefundStore
    let ledger: Ledger
}

/// What every `GiftStepsStore` backend must do (see the protocols' doc comments); the live-ops
/// part is `LiveOpsStoreConformanceTests`'.
@Suite("GiftStepsStore conformance")
struct GiftStepsStoreConformanceTests {
    static let backends: [StoreBackend<GiftStepsBackend>] = [
        .sqlite { store in
            let ledger = Ledger(store: store)
            return GiftStepsBackend(
                store: SQLiteGiftStepsStore(store, ledger: ledger), refunds: SQLiteGiftRefundStore(store, ledger: ledger), ledger: ledger)
        }
    ]

    static func refund(_ refunds: any GiftRefundStore, offset: Int64) async throws {
        try await refunds.write { tx in try tx.recordRefund(offset: offset, reason: "fraud", by: "op1", outcomeJSON: "{}", at: 5) }
    }

    @Test(arguments: backends)
    func aGiftIsRefundedOnceItsRefundIsRecordedAndOnlyThatGift(_ backend: StoreBackend<GiftStepsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (steps, _) = try backend.open(tmp)
            let store = steps.store
            let before = try await store.read { tx in try tx.isRefunded(offset: 7) }
            #expect(!before)
            try await Self.refund(steps.refunds, offset: 7)
            let (seven, eight) = try await store.read { tx in (try tx.isRefunded(offset: 7), try tx.isRefunded(offset: 8)) }
            #expect(seven && !eight)
            let inWrite = try await store.write { tx in try tx.isRefunded(offset: 7) }
            #expect(inWrite)
        }
    }

    @Test(arguments: backends)
    func oneTransactionAnswersForEveryGiftItAsksAbout(_ backend: StoreBackend<GiftStepsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (steps, _) = try backend.open(tmp)
            for offset: Int64 in [3, 9, 12] { try await Self.refund(steps.refunds, offset: offset) }
            // Many asks in one transaction, in offset order and then below the first one.
            let answers = try await steps.store.read { tx in
                try [5, 9, 10, 12, 40, 3, 2, 9].map { try tx.isRefunded(offset: $0) }
            }
            #expect(answers == [false, true, false, true, false, true, false, true])
            // A refund transaction that asks, records and asks again sees its own refund.
            let (before, after, other) = try await steps.refunds.write { tx in
                let before = try tx.isRefunded(offset: 20)
                try tx.recordRefund(offset: 20, reason: "fraud", by: "op1", outcomeJSON: "{}", at: 6)
                return (before, try tx.isRefunded(offset: 20), try tx.isRefunded(offset: 21))
            }
            #expect(!before && after && !other)
        }
    }

    @Test(arguments: backends)
    func aReadKeepsItsSnapshotWhileARefundCommits(_ backend: StoreBackend<GiftStepsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (steps, _) = try backend.open(tmp)
            let (store, refunds) = (steps.store, steps.refunds)
            let seen = try await snapshotReads(
                { body in try await store.read(body) }, value: { tx in try tx.isRefunded(offset: 3) },
                during: { try await Self.refund(refunds, offset: 3) })
            #expect(!seen.first && !seen.second && seen.after, "the snapshot the steps ran on, then the writer's view")
        }
    }

    @Test(arguments: backends)
    func aConsumersTransactionIsHandedBackAsItsGiftStepsPart(_ backend: StoreBackend<GiftStepsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (steps, _) = try backend.open(tmp)
            let (store, ledger) = (steps.store, steps.ledger)
            try await Self.refund(steps.refunds, offset: 4)
            let (same, refunded, balance) = try await store.write { tx in
                let part = store.transaction(tx)
                _ = try part.applyTransfers([coinsTopUp("t1", "v1", 30)], ledger: ledger, now: 1, callerRollsBack: false)
                let reads = part.handlerReads(ledger: ledger, calendar: OperationsCalendar())
                return (part === tx, try part.isRefunded(offset: 4), try reads.balance(user: "v1", asset: "coins"))
            }
            #expect(same && refunded && balance == 30, "the same object, over the same transaction")
        }
    }

    @Test(arguments: backends)
    func aThrowRollsBackTheStepsFactsAndGrants(_ backend: StoreBackend<GiftStepsBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (steps, facts) = try backend.open(tmp)
            let (store, ledger) = (steps.store, steps.ledger)
            let error = await thrown {
                try await store.write { tx in
                    let skipped = GiftStepsSkipped(giftOffset: 9, sendID: "s9", steps: ["lucky"], reason: "refunded")
                    let first = try tx.journal.append(type: GiftStepsConsumer.skippedType, payload: skipped, idempotencyKey: "k9", at: 2)
                    let again = try tx.journal.append(type: GiftStepsConsumer.skippedType, payload: skipped, idempotencyKey: "k9", at: 3)
                    _ = try tx.effectsTransaction(ledger: ledger).ledger.apply([coinsTopUp("t1", "v1", 30)], now: 2)
                    guard first.offset == again.offset, try tx.ledger.balance(.user("v1", "coins")) == 30 else { return }
                    throw Aborted()
                }
            }
            #expect(error is Aborted, "a keyed fact is journaled once; the body reads its own grant, then throws")
            let skippedFacts = try await facts(GiftStepsConsumer.skippedType)
            let balance = try await store.read { tx in try tx.ledger.balance(.user("v1", "coins")) }
            #expect(skippedFacts.isEmpty && balance == 0)
        }
    }
}
