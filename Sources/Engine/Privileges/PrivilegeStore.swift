import Books

/// Where privileges and fan medals are kept: the product catalog, who holds what until when,
/// purchase records, every viewer's fan medals and the one each wears.
///
/// The seam at the level of a transaction: a purchase reads the holding, pays through the
/// ledger, writes the holding, its journal fact and its idempotency record, all in one
/// transaction or none. So the store hands the domain a `PrivilegeTransaction` inside `write`
/// (and `read`), and the domain decides; the backend owns the SQL.
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back, ledger
/// transfers and journal facts included. `read` runs `body` on a consistent snapshot (its
/// writing methods throw).
public protocol PrivilegeStore: Sendable {
    /// Runs `body` in one write transaction; rethrows its error after rolling back.
    func write<T: Sendable>(_ body: @escaping @Sendable (any PrivilegeTransaction) throws -> T) async throws -> T
    /// Runs `body` on a consistent snapshot; rethrows its error.
    func read<T: Sendable>(_ body: @escaping @Sendable (any PrivilegeTransaction) throws -> T) async throws -> T
}

/// The privilege and fan-medal tables as one transaction sees them, beside the ledger and the
/// journal (`StoreTransaction`).
///
/// For implementers: a holding is keyed by (user, product, scope); products are stored as their
/// sorted-key JSON (`JSONEncoder.sorted`), which `products` decodes. Methods answer what their
/// statement reads, deciding nothing: the purchase and expiry rules are `Privileges`'.
public protocol PrivilegeTransaction: StoreTransaction, PrivilegeReads {
    // MARK: Catalog

    /// The stored kind (raw value) and version of product `id`, or nil when there is none.
    func productVersion(id: String) throws -> (kind: String, version: Int64)?
    /// Creates or replaces `product` (its id, kind, version and body), updated at `now`.
    /// - Throws: an encoding error, storage errors.
    func saveProduct(_ product: PrivilegeProduct, at now: Int64) throws
    /// Every stored product, decoded, in no set order.
    /// - Throws: a decoding error for a stored body that is not a product; storage errors.
    func products() throws -> [PrivilegeProduct]

    // MARK: Purchases

    /// The request (canonical text) and outcome (JSON) recorded for `buyer`'s `key`, if any.
    func purchaseRecord(buyer: String, key: String) throws -> (request: String, outcomeJSON: String)?
    /// Records a purchase's request and outcome under `buyer`'s `key`.
    func recordPurchase(buyer: String, key: String, request: String, outcomeJSON: String, at now: Int64) throws
    /// `user`'s holding of `product` in `scope`, active or not, if any.
    func holding(user: String, product: String, scope: String) throws
        -> (tier: String, rank: Int64, startedAt: Int64, expiresAt: Int64, expiryJournaled: Bool)?
    /// Creates or replaces `user`'s holding of `product` in `scope`, its expiry not journaled.
    func saveHolding(user: String, product: String, scope: String, tier: String, rank: Int64, startedAt: Int64, expiresAt: Int64) throws

    // MARK: Expiry

    /// Up to `limit` holdings ended at or before `now` whose expiry is not journaled, earliest
    /// end first.
    func unsweptExpiries(now: Int64, limit: Int) throws -> [(user: String, product: String, scope: String, tier: String, expiresAt: Int64)]
    /// Marks the expiry of the holding ending at `expiresAt` journaled (nothing when it has
    /// been renewed since).
    func markExpiryJournaled(user: String, product: String, scope: String, expiresAt: Int64) throws

    // MARK: Holdings

    /// `user`'s holdings active at `now` (`expires_at > now`), in no set order.
    func activeHoldings(user: String, now: Int64) throws
        -> [(product: String, scope: String, tier: String, rank: Int64, startedAt: Int64, expiresAt: Int64)]

    // MARK: Fan medals

    /// `viewer`'s medals, most points first (then by streamer), at most `limit`, with `day`'s points.
    func medals(viewer: String, limit: Int, day: String) throws -> [FanMedals.Medal]
    /// `viewer` wears their medal of `streamer` from `now`, taking off any other.
    func wear(viewer: String, streamer: String, at now: Int64) throws
    /// `viewer` wears no medal; answers whether one was worn.
    func takeOff(viewer: String) throws -> Bool
}
