import Books
import EngineCore
import Foundation
import Rooms
import Synchronization

/// Privileges: the products operators sell (VIP lines, guards, vehicles), purchases paid through
/// the ledger in the same transaction as the grant, expiry exact at its boundary, and what a
/// user shows (`shown`), decided in one place for every surface.
///
/// A holding is one row per (user, product, scope): the scope is the streamer for a guard and
/// empty otherwise. It is active while `now < expires_at`, checked on every read; the sweeper
/// (a `PeriodicSweep` of `sweepExpired`) journals `privilege_expired` for holdings past their end.
///
/// Purchase rules (`purchase`):
/// - nothing held, or the holding expired: the tier starts now for `days` days (`new`);
/// - the same tier is active: the end moves `days` later (`renewal`), from the current end;
/// - a higher tier than the active one: the new tier starts now for `days` days (`upgrade`), and
///   the unused time of the lower tier is credited at that tier's daily rate (its cheapest
///   coins per day), pro rata to the millisecond, rounded down. The new period must be at least
///   as long as the unused time (`upgrade_too_short`), so no paid time is lost;
/// - a lower tier than the active one: 409 `lower_tier_active`.
/// A holding may not reach more than `heldDaysMax` days ahead (`privilege_too_long`).
public final class Privileges: Sendable {
    /// Journal types.
    public static let boughtType = "privilege_bought"
    public static let expiredType = "privilege_expired"
    /// Milliseconds in a day.
    public static let dayMillis: Int64 = 86_400_000
    /// Furthest ahead a holding may end, in days from now.
    public static let heldDaysMax: Int64 = 3_660
    /// How long a resolved `shown` stays cached (it never outlives the earliest expiry it saw).
    public static let shownCacheMillis: Int64 = 2_000
    /// Entries the shown cache holds before it starts over.
    public static let shownCacheEntriesMax = 100_000

    let store: any PrivilegeStore
    let clock: any WallClock
    let products = Mutex<[String: PrivilegeProduct]?>(nil)
    let shownCache = Mutex<[String: (value: EntryPrivileges, until: Int64)]>([:])

    /// - Parameters: store: where holdings live (its transactions move the money); clock:
    ///   purchase and expiry time.
    public init(store: any PrivilegeStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    // MARK: Catalog

    /// Creates or replaces product `id`; its kind is fixed once created.
    /// - Throws: `RequestError` 400 `invalid_product`, 409 `kind_immutable`.
    public func put(id: String, _ edit: PrivilegeProductEdit) async throws -> PrivilegeProduct {
        var product = PrivilegeProduct(
            id: id, kind: edit.kind, title: edit.title, priority: edit.priority, streamerShareBP: edit.streamerShareBP, tiers: edit.tiers)
        try product.validate()
        let now = clock.nowMillis()
        let candidate = product
        product = try await store.write { tx in
            var p = candidate
            if let old = try tx.productVersion(id: id) {
                guard old.kind == p.kind.rawValue else {
                    throw RequestError("kind_immutable", .conflict, "product '\(id)' is a \(old.kind); its kind cannot change")
                }
                p.version = old.version + 1
            }
            try tx.saveProduct(p, at: now)
            return p
        }
        let saved = product
        products.withLock { cache in cache?[id] = saved }
        shownCache.withLock { $0.removeAll() }
        return product
    }

    /// Every product, by id.
    public func all() async throws -> [PrivilegeProduct] {
        try await store.read { tx in try self.catalog(tx) }.values.sorted { $0.id < $1.id }
    }

    /// Product `id`.
    /// - Throws: `RequestError` 404 `product_not_found`.
    public func product(id: String) async throws -> PrivilegeProduct {
        guard let p = try await store.read({ tx in try self.catalog(tx)[id] }) else { throw Self.productNotFound(id) }
        return p
    }

    static func productNotFound(_ id: String) -> RequestError {
        RequestError("product_not_found", .notFound, "no privilege product '\(id)'")
    }

    /// The catalog, read once and kept (edits go through `put`, which updates the copy).
    func catalog(_ tx: any PrivilegeTransaction) throws -> [String: PrivilegeProduct] {
        if let c = products.withLock({ $0 }) { return c }
        var c: [String: PrivilegeProduct] = [:]
        for p in try tx.products() { c[p.id] = p }
        let loaded = c
        products.withLock { $0 = loaded }
        return c
    }

    // MARK: Purchases

    /// Buys (or renews, or upgrades) a privilege for `buyer`; see the type's rules. The same key
    /// with the same request answers the first result; another request under it is 409.
    /// - Throws: `RequestError` (400 invalid input, 404 unknown product or tier, 409
    ///   `idempotency_conflict`, `lower_tier_active`, `upgrade_too_short`, `privilege_too_long`,
    ///   `cannot_guard_self`), `LedgerError` 422 `insufficient_funds`; nothing is written then.
    public func purchase(buyer: String, _ r: PurchaseRequest) async throws -> PrivilegePurchase {
        try r.validate()
        let now = clock.nowMillis()
        let result = try await store.write { tx in try self.purchase(tx, buyer: buyer, r, now: now) }
        invalidateShown(user: buyer)
        return result
    }

    func purchase(_ tx: any PrivilegeTransaction, buyer: String, _ r: PurchaseRequest, now: Int64) throws -> PrivilegePurchase {
        if let prior = try tx.purchaseRecord(buyer: buyer, key: r.idempotencyKey) {
            guard prior.request == r.canonical else {
                throw RequestError("idempotency_conflict", .conflict, "idempotency_key '\(r.idempotencyKey)' was used for another purchase")
            }
            return try JSONDecoder().decode(PrivilegePurchase.self, from: Data(prior.outcomeJSON.utf8))
        }
        guard let product = try catalog(tx)[r.product] else { throw Self.productNotFound(r.product) }
        guard let (tier, rank) = product.tier(r.tier) else {
            throw RequestError("tier_not_found", .notFound, "product '\(r.product)' has no tier '\(r.tier)'")
        }
        guard let price = tier.prices.first(where: { $0.days == r.days }) else {
            let sold = tier.prices.map { String($0.days) }.joined(separator: ", ")
            throw RequestError("unknown_duration", .badRequest, "tier '\(r.tier)' is sold for \(sold) days, not \(r.days)")
        }
        let scope: String
        switch (product.kind, r.streamerID) {
        case (.guard, nil): throw RequestError("invalid_streamer_id", .badRequest, "streamer_id: a guard is bought for one streamer")
        case (.guard, let s?):
            guard s != buyer else { throw RequestError("cannot_guard_self", .conflict, "a streamer cannot guard themselves") }
            scope = s
        case (_, nil): scope = ""
        case (_, .some): throw RequestError("invalid_streamer_id", .badRequest, "streamer_id: only guards are bought for a streamer")
        }
        let span = r.days * Self.dayMillis
        let held = try tx.holding(user: buyer, product: r.product, scope: scope)
        var action = PrivilegePurchase.Action.new
        var startsAt = now
        var expiresAt = now + span
        var credit: Int64 = 0
        if let held {
            let heldTier = held.tier
            let heldRank = held.rank
            let heldEnd = held.expiresAt
            if heldEnd > now {
                if heldRank == rank, heldTier == r.tier {
                    action = .renewal
                    startsAt = held.startedAt
                    expiresAt = heldEnd + span
                } else if rank > heldRank {
                    let remaining = heldEnd - now
                    guard span >= remaining else {
                        throw RequestError("upgrade_too_short", .conflict,
                            "an upgrade must last at least the \(remaining) ms left of '\(heldTier)'; buy more days")
                    }
                    action = .upgrade
                    // The held tier as the product has it now; if an edit removed it, the tier at its rank.
                    let lower = product.tier(heldTier)?.tier ?? (heldRank >= 1 && heldRank <= Int64(product.tiers.count) ? product.tiers[Int(heldRank) - 1] : nil)
                    if let lower {
                        credit = min(Self.credit(remainingMillis: remaining, rate: PrivilegeProduct.dailyRate(lower)), price.coins)
                    }
                } else {
                    throw RequestError("lower_tier_active", .conflict,
                        "'\(heldTier)' is active until \(heldEnd); a lower tier cannot be bought while it runs")
                }
            } else if !held.expiryJournaled {
                try journalExpiry(tx, user: buyer, product: product, scope: scope, tier: heldTier, at: heldEnd)
            }
        }
        guard expiresAt - now <= Self.heldDaysMax * Self.dayMillis else {
            throw RequestError("privilege_too_long", .conflict, "a privilege may not run more than \(Self.heldDaysMax) days ahead")
        }
        let charge = price.coins - credit
        let purchaseID = "privilege:\(buyer):\(r.idempotencyKey)"
        let share = product.kind == .guard ? Self.share(charge, bp: product.streamerShareBP ?? 0) : 0
        var chain: [TransferRequest] = []
        let memo = "\(r.product)/\(r.tier) \(r.days)d"
        if charge - share > 0 {
            chain.append(TransferRequest(id: "\(purchaseID):fee", debit: .user(buyer, "coins"), credit: .system(.platformFees, "coins"),
                asset: "coins", amount: charge - share, code: "privilege", memo: memo))
        }
        if share > 0 {
            chain.append(TransferRequest(id: "\(purchaseID):paid", debit: .user(buyer, "coins"), credit: .system(.giftClearing, "coins"),
                asset: "coins", amount: share, code: "privilege_paid", memo: memo))
            chain.append(TransferRequest(id: "\(purchaseID):revenue", debit: .system(.revenueIssuance, "revenue"),
                credit: .user(scope, "revenue"), asset: "revenue", amount: share, code: "privilege_revenue", memo: memo))
        }
        if !chain.isEmpty { _ = try tx.ledger.apply(chain, now: now) }
        try tx.saveHolding(user: buyer, product: r.product, scope: scope, tier: r.tier, rank: rank, startedAt: startsAt, expiresAt: expiresAt)
        let result = PrivilegePurchase(
            purchaseID: purchaseID, buyerID: buyer, product: r.product, kind: product.kind, tier: r.tier, tierRank: rank, days: r.days,
            streamerID: r.streamerID, action: action, priceCoins: price.coins, creditCoins: credit, chargedCoins: charge,
            streamerShareCoins: share, startsAt: startsAt, expiresAt: expiresAt,
            balanceCoins: try tx.ledger.balance(.user(buyer, "coins")), at: now)
        _ = try tx.journal.append(type: Self.boughtType, payload: result, idempotencyKey: purchaseID, at: now)
        try tx.recordPurchase(
            buyer: buyer, key: r.idempotencyKey, request: r.canonical,
            outcomeJSON: String(decoding: try JSONEncoder.sorted.encode(result), as: UTF8.self), at: now)
        return result
    }

    /// The unused part of a tier at `rate`: remaining × coins / (days × a day), rounded down.
    static func credit(remainingMillis: Int64, rate: PrivilegeProduct.Price) -> Int64 {
        let divisor = rate.days * dayMillis
        let product = remainingMillis.multipliedFullWidth(by: rate.coins)
        // remaining ≤ heldDaysMax days and coins ≤ 1e10: the quotient is below 1e10 × 3,660.
        return divisor.dividingFullWidth(product).quotient
    }

    /// `bp` basis points of `amount`, rounded down (amount ≤ 1e10, so no overflow).
    static func share(_ amount: Int64, bp: Int64) -> Int64 { amount * bp / 10_000 }

    // MARK: Expiry

    /// Journals `privilege_expired` for up to `limit` holdings whose end is at or before `now`
    /// and not yet journaled; answers how many.
    @discardableResult
    public func sweepExpired(limit: Int = 500) async throws -> Int {
        let now = clock.nowMillis()
        let swept: [String] = try await store.write { tx in
            let rows = try tx.unsweptExpiries(now: now, limit: limit)
            let catalog = try self.catalog(tx)
            for row in rows {
                let product = catalog[row.product] ?? PrivilegeProduct(id: row.product, kind: .vip, title: row.product, priority: 0, tiers: [])
                try self.journalExpiry(tx, user: row.user, product: product, scope: row.scope, tier: row.tier, at: row.expiresAt)
            }
            return rows.map(\.user)
        }
        for user in Set(swept) { invalidateShown(user: user) }
        return swept.count
    }

    func journalExpiry(_ tx: any PrivilegeTransaction, user: String, product: PrivilegeProduct, scope: String, tier: String, at end: Int64) throws {
        let fact = PrivilegeExpired(
            userID: user, product: product.id, kind: product.kind, tier: tier, streamerID: scope.isEmpty ? nil : scope, expiredAt: end)
        _ = try tx.journal.append(
            type: Self.expiredType, payload: fact, idempotencyKey: "privilege_expired:\(user):\(product.id):\(scope):\(end)", at: end)
        try tx.markExpiryJournaled(user: user, product: product.id, scope: scope, expiresAt: end)
    }

    // MARK: Reads

    /// `user`'s active holdings at `now`, highest priority first.
    public func held(user: String) async throws -> [HeldPrivilege] {
        let now = clock.nowMillis()
        return try await store.read { tx in try self.held(tx, user: user, now: now) }
    }

    /// `user`'s active holdings at `now` (`expires_at > now`), highest priority first (then the
    /// higher tier, then the product id).
    /// - Throws: storage errors; a decoding error for a stored product that is not one.
    public func held(_ tx: any PrivilegeTransaction, user: String, now: Int64) throws -> [HeldPrivilege] {
        let rows = try tx.activeHoldings(user: user, now: now)
        guard !rows.isEmpty else { return [] }
        let catalog = try catalog(tx)
        return rows.map { row in
            let productID = row.product
            let scope = row.scope
            let tierID = row.tier
            let product = catalog[productID]
            let tier = product?.tier(tierID)
            let shows = product.map { $0.shows(rank: tier?.rank ?? 0) }
            return HeldPrivilege(
                product: productID, kind: product?.kind ?? .vip, line: product?.title ?? productID, priority: product?.priority ?? 0,
                tier: tierID, tierRank: row.rank, tierTitle: tier?.tier.title ?? tierID, streamerID: scope.isEmpty ? nil : scope,
                startedAt: row.startedAt, expiresAt: row.expiresAt, badge: shows?.badge, entryEffect: shows?.entryEffect, vehicle: shows?.vehicle)
        }.sorted(by: HeldPrivilege.showsBefore)
    }

    /// What `user` shows in a room of `streamer` (or anywhere, with nil: guards then show
    /// nothing), through the short cache.
    public func shown(user: String, streamer: String?) async -> EntryPrivileges {
        let now = clock.nowMillis()
        let key = user + "\u{1}" + (streamer ?? "")
        if let hit = shownCache.withLock({ $0[key] }), now < hit.until { return hit.value }
        guard let (value, until) = try? await store.read({ tx in try self.shown(tx, user: user, streamer: streamer, now: now) }) else {
            return EntryPrivileges()
        }
        shownCache.withLock { c in
            if c.count >= Self.shownCacheEntriesMax { c.removeAll(keepingCapacity: true) }
            c[key] = (value, min(until, now + Self.shownCacheMillis))
        }
        return value
    }

    /// The one resolver: from all of `user`'s active holdings, the highest-priority badge, entry
    /// effect and vehicle; the guard tier held for `streamer`; the top VIP line's tier; the medal
    /// worn. Also answers until when this holds (the earliest expiry among what it read).
    /// - Throws: as `held(_:user:now:)`.
    public func shown(_ tx: any PrivilegeTransaction, user: String, streamer: String?, now: Int64) throws -> (EntryPrivileges, until: Int64) {
        let held = try held(tx, user: user, now: now).filter { $0.kind != .guard || $0.streamerID == streamer }
        var shown = EntryPrivileges()
        shown.badge = held.first(where: { $0.badge != nil })?.badge
        shown.entryEffect = held.first(where: { $0.entryEffect != nil })?.entryEffect
        shown.vehicle = held.first(where: { $0.kind == .vehicle })?.vehicle
        if let g = held.first(where: { $0.kind == .guard }) { shown.guardTier = g.tier }
        if let v = held.first(where: { $0.kind == .vip }) {
            shown.vipLevel = Int(v.tierRank)
            shown.vipLine = v.product
            shown.vipTier = v.tier
        }
        shown.medal = try tx.wornMedal(viewer: user)
        return (shown, held.map(\.expiresAt).min() ?? Int64.max)
    }

    /// Forgets what `user` showed (after a purchase, an expiry or a medal change).
    public func invalidateShown(user: String) {
        let prefix = user + "\u{1}"
        shownCache.withLock { c in
            for key in c.keys where key.hasPrefix(prefix) { c[key] = nil }
        }
    }
}

extension JSONEncoder {
    /// Sorted keys: the same value always encodes to the same bytes.
    package static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

/// The rooms' view of privileges: what a user shows in a room, from its streamer and the one
/// resolver (`Privileges.shown`). Used for `enter` events and danmaku.
public struct PrivilegeShowcase: EntryPrivilegeProvider {
    let privileges: Privileges
    let rooms: RoomDirectory

    /// - Parameters: privileges: the resolver; rooms: to find a room's streamer.
    public init(privileges: Privileges, rooms: RoomDirectory) {
        self.privileges = privileges
        self.rooms = rooms
    }

    public func privileges(userID: String, room: String) async -> EntryPrivileges {
        let streamer = try? await rooms.room(id: room).streamerID
        return await privileges.shown(user: userID, streamer: streamer)
    }
}
