@testable import Books
import EngineTesting
import Foundation
import GRDB
@testable import Storage
import Testing
@testable import Engine

/// What every `PartnerStore` and `JournalStore` backend must do (see the protocols' doc
/// comments). `PartnerStore.statementRows` reads rows `PartnerOrders` writes in the ledger's
/// transaction, outside the protocol; the partner API's statement tests cover it.
@Suite("PartnerStore and JournalStore conformance")
struct PartnerAndJournalStoreConformanceTests {
    static let partners: [StoreBackend<any PartnerStore>] = [.sqlite { SQLitePartnerStore($0) }]
    static let journals: [StoreBackend<any JournalStore>] = [.sqlite { SQLiteJournalStore($0) }]

    @Test(arguments: partners)
    func partnersRegisterOnceAndKeepTheirSecret(_ backend: StoreBackend<any PartnerStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            let game = Partners.Partner(id: "game", name: "Game", createdBy: "op", createdAt: 10, streamerShareBP: 2_500)
            let arcade = Partners.Partner(id: "arcade", name: "Arcade", createdBy: "op", createdAt: 11)
            #expect(try await store.register(game, secret: "s-game", registrationJSON: #"{"id":"game"}"#))
            #expect(try await store.register(arcade, secret: "s-arcade", registrationJSON: #"{"id":"arcade"}"#))
            let again = Partners.Partner(id: "game", name: "Other", createdBy: "op2", createdAt: 12)
            #expect(try await store.register(again, secret: "s-other", registrationJSON: #"{"id":"game"}"#) == false)
            #expect(try await store.partners() == [arcade, game])
            #expect(try await store.secret(partnerID: "game") == "s-game")
            #expect(try await store.secret(partnerID: "nobody") == nil)
            #expect(try await facts(Partners.registeredType) == [#"{"id":"game"}"#, #"{"id":"arcade"}"#])
        }
    }

    @Test(arguments: partners)
    func aNonceIsUsedOncePerPartnerUntilItLeavesTheWindow(_ backend: StoreBackend<any PartnerStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, _) = try backend.open(tmp)
            let game = Partners.Partner(id: "game", name: "Game", createdBy: "op", createdAt: 1)
            let arcade = Partners.Partner(id: "arcade", name: "Arcade", createdBy: "op", createdAt: 1)
            for p in [game, arcade] { _ = try await store.register(p, secret: "s", registrationJSON: "{}") }
            #expect(try await store.useNonce(partnerID: "game", nonce: "n1", signedAt: 100, pruneBefore: 0))
            #expect(try await store.useNonce(partnerID: "game", nonce: "n1", signedAt: 101, pruneBefore: 0) == false)
            // Another partner's nonces are its own.
            #expect(try await store.useNonce(partnerID: "arcade", nonce: "n1", signedAt: 100, pruneBefore: 0))
            // Pruned once signed before the window: usable again (the caller refuses stale timestamps).
            #expect(try await store.useNonce(partnerID: "game", nonce: "n2", signedAt: 500, pruneBefore: 101))
            #expect(try await store.useNonce(partnerID: "game", nonce: "n1", signedAt: 500, pruneBefore: 101))
        }
    }

    @Test(arguments: journals)
    func factsAppendTogetherAndKeysAreKeptOnce(_ backend: StoreBackend<any JournalStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (journal, facts) = try backend.open(tmp)
            let first = try await journal.append([
                JournalFact(type: "t", payloadJSON: #"{"n":1}"#),
                JournalFact(type: "t", payloadJSON: #"{"n":2}"#, idempotencyKey: "k"),
            ], at: 5)
            #expect(first.count == 2 && first[0] < first[1])
            // A known key answers its offset and is not appended again.
            let second = try await journal.append([
                JournalFact(type: "t", payloadJSON: #"{"n":3}"#, idempotencyKey: "k"),
                JournalFact(type: "t", payloadJSON: #"{"n":4}"#),
            ], at: 6)
            #expect(second[0] == first[1] && second[1] > first[1])
            #expect(try await journal.append([], at: 7) == [])
            #expect(try await facts("t") == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":4}"#])
            // A refused fact refuses them all.
            await #expect(throws: JournalError.self) {
                try await journal.append([JournalFact(type: "t", payloadJSON: #"{"n":5}"#), JournalFact(type: "t", payloadJSON: "{not json")], at: 8)
            }
            await #expect(throws: JournalError.self) {
                try await journal.append([JournalFact(type: "", payloadJSON: "{}")], at: 8)
            }
            #expect(try await facts("t").count == 3)
        }
    }

    @Test(arguments: journals)
    func recordedPayloadsAreEncodedAsAppendEncodesThem(_ backend: StoreBackend<any JournalStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (journal, facts) = try backend.open(tmp)
            struct Fact: Encodable, Sendable { let room_id: String; let user_id: String }
            let first = try await journal.record([NewFact(type: "enter", payload: Fact(room_id: "r/1", user_id: "u"), idempotencyKey: "e1")], at: 1)
            let again = try await journal.record([NewFact(type: "enter", payload: Fact(room_id: "r/2", user_id: "u"), idempotencyKey: "e1")], at: 2)
            #expect(again == first)
            #expect(try await facts("enter") == [#"{"room_id":"r/1","user_id":"u"}"#])
        }
    }
}
