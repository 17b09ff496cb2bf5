import EngineTesting
import Foundation
@testable import Storage
import Testing
@testable import Engine

/// What every `GiftCatalogStore` backend must do (see the protocol's doc comment).
@Suite("GiftCatalogStore conformance")
struct GiftCatalogStoreConformanceTests {
    static let backends: [StoreBackend<any GiftCatalogStore>] = [.sqlite { SQLiteGiftCatalogStore($0) }]

    static func gift(_ id: String, price: Int64, version: Int64) throws -> Gift {
        try GiftRules.gift(id: id, GiftEdit(name: id.capitalized, priceCoins: price), version: version, nowMillis: 0, assets: ["coins"])
    }

    @Test(arguments: backends)
    func everyEditIsANewVersionJournaledWithIt(_ backend: StoreBackend<any GiftCatalogStore>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, facts) = try backend.open(tmp)
            #expect(try await store.gift(id: "rose") == nil)
            let first = try await store.put(id: "rose", at: 10) { try Self.gift("rose", price: 10, version: $0) }
            #expect(first.version == 1)
            let second = try await store.put(id: "rose", at: 20) { try Self.gift("rose", price: 12, version: $0) }
            #expect(second.version == 2 && second.priceCoins == 12)
            _ = try await store.put(id: "box", at: 30) { try Self.gift("box", price: 100, version: $0) }
            #expect(try await store.gift(id: "rose") == second)
            #expect(try await store.all().map(\.id).sorted() == ["box", "rose"])
            // A refused build changes nothing.
            await #expect(throws: GiftError.self) {
                try await store.put(id: "rose", at: 40) { version in
                    try GiftRules.gift(id: "rose", GiftEdit(name: "", priceCoins: 1), version: version, nowMillis: 0, assets: ["coins"])
                }
            }
            #expect(try await store.gift(id: "rose") == second)
            let journaled = try await facts(GiftCatalog.updatedType).map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
            }
            #expect(journaled.map { "\($0["id"] ?? "")@\($0["version"] ?? "")" } == ["rose@1", "rose@2", "box@1"])
        }
    }
}
