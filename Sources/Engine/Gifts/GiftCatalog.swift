import EngineCore
import Rooms

/// The gift catalog, versioned: every edit writes a new version (kept in the store's history)
/// and a `gift_updated` journal fact in the same transaction.
public struct GiftCatalog: Sendable {
    /// Journal type of catalog edits.
    public static let updatedType = "gift_updated"

    let store: any GiftCatalogStore
    let clock: any WallClock
    let assets: Set<String>

    /// - Parameters: store: where the catalog is kept; clock: edit times; assets: what
    ///   `effect_asset` may name.
    public init(
        store: any GiftCatalogStore, clock: any WallClock = SystemWallClock(), assets: Set<String> = ["coins", "tickets", "revenue"]
    ) {
        self.store = store
        self.clock = clock
        self.assets = assets
    }

    /// Creates or replaces a gift; returns it with its new version.
    /// - Throws: `GiftError.invalid` naming the first bad field.
    public func put(id: String, _ edit: GiftEdit) async throws -> Gift {
        let now = clock.nowMillis()
        _ = try GiftRules.gift(id: id, edit, version: 1, nowMillis: now, assets: assets)
        let assets = self.assets
        return try await store.put(id: id, at: now) { version in
            try GiftRules.gift(id: id, edit, version: version, nowMillis: now, assets: assets)
        }
    }

    /// The gift, as of now.
    /// - Throws: `GiftError.notFound`.
    public func gift(id: String) async throws -> Gift {
        guard let gift = try await store.gift(id: id) else { throw GiftError.notFound(id: id) }
        return gift
    }

    /// Every gift offered in `room` now, cheapest first.
    public func offered(in room: Room) async throws -> [Gift] {
        let now = clock.nowMillis()
        return try await all().filter { $0.isOffered(roomID: room.id, category: room.category, nowMillis: now) }
    }

    /// Every gift in the catalog, cheapest first (ties by id).
    public func all() async throws -> [Gift] {
        try await store.all().sorted { ($0.priceCoins, $0.id) < ($1.priceCoins, $1.id) }
    }
}
