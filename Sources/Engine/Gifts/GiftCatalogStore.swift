/// Where the gift catalog is kept: each gift's current version, and every version it had.
///
/// For implementers: `put` is one transaction: it reads the gift's current version (0 for a new
/// gift), asks `build` for the gift at the next one (a throw changes nothing), stores it as the
/// current version and in the history, and journals `gift_updated` (`GiftCatalog.updatedType`,
/// the gift as payload) with it. `gift(id:)` answers the current version, or nil; `all` every
/// gift's current version, in no set order. The send path reads gifts inside its own transaction,
/// from the storage layer (`GiftCatalogBatch`). Every backend runs
/// `GiftCatalogStoreConformanceTests`.
public protocol GiftCatalogStore: Sendable {
    func put(id: String, at now: Int64, _ build: @escaping @Sendable (_ version: Int64) throws -> Gift) async throws -> Gift
    func gift(id: String) async throws -> Gift?
    func all() async throws -> [Gift]
}
