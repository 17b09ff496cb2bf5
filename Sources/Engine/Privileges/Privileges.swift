import Foundation
import GRDB
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

    let store: Store
    let ledger: Ledger
    let clock: any WallClock
    let products = Mutex<[String: PrivilegeProduct]?>(nil)
    let shownCache = Mutex<[String: (value: EntryPrivileges, until: Int64)]>([:])

    /// - Parameters: store, ledger: where holdings and money live; clock: purchase and expiry time.
    public init(store: Store, ledger: Ledger, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.ledger = ledger
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
        product = try await store.write { db in
            var p = candidate
            if let old = try Row.fetchOne(db, sql: "SELECT kind, version FROM privilege_products WHERE id = ?", arguments: [id]) {
                guard (old[0] as String) == p.kind.rawValue else {
                    throw RequestError("kind_immutable", .conflict, "product '\(id)' is a \(old[0] as String); its kind cannot change")
                }
                p.version = (old[1] as Int64) + 1
            }
            let body = String(decoding: try JSONEncoder.sorted.encode(p), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO privilege_products (id, kind, version, body, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body, updated_at = excluded.updated_at
                    """,
                arguments: [id, p.kind.rawValue, p.version, body, now])
            return p
        }
        let saved = product
        products.withLock { cache in cache?[id] = saved }
        shownCache.withLock { $0.removeAll() }
        return product
    }

    /// Every product, by id.
    public func all() async throws -> [PrivilegeProduct] {
        try await store.read { db in try self.catalog(db) }.values.sorted { $0.id < $1.id }
    }

    /// Product `id`.
    /// - Throws: `RequestError` 404 `product_not_found`.
    public func product(id: String) async throws -> PrivilegeProduct {
        guard let p = try await store.read({ db in try self.catalog(db)[id] }) else { throw Self.productNotFound(id) }
        return p
    }

    static func productNotFound(_ id: String) -> RequestError {
        RequestError("product_not_found", .notFound, "no privilege product '\(id)'")
    }

    /// The catalog, read once and kept (edits go through `put`, which updates the copy).
    func catalog(_ db: Database) throws -> [String: PrivilegeProduct] {
        if let c = products.withLock({ $0 }) { return c }
        var c: [String: PrivilegeProduct] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT body FROM privilege_products") {
            let p = try JSONDecoder().decode(PrivilegeProduct.self, from: Data((row[0] as String).utf8))
            c[p.id] = p
        }
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
        let result = try await store.write { db in try self.purchase(db, buyer: buyer, r, now: now) }
        invalidateShown(user: buyer)
        return result
    }

    func purchase(_ db: Database, buyer: String, _ r: PurchaseRequest, now: Int64) throws -> PrivilegePurchase {
        if let prior = try Row.fetchOne(
            db, sql: "SELECT request, outcome FROM privilege_purchases WHERE buyer_id = ? AND idempotency_key = ?",
            arguments: [buyer, r.idempotencyKey])
        {
            guard (prior[0] as String) == r.canonical else {
                throw RequestError("idempotency_conflict", .conflict, "idempotency_key '\(r.idempotencyKey)' was used for another purchase")
            }
            return try JSONDecoder().decode(PrivilegePurchase.self, from: Data((prior[1] as String).utf8))
        }
        guard let product = try catalog(db)[r.product] else { throw Self.productNotFound(r.product) }
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
        let held = try Row.fetchOne(
            db, sql: "SELECT tier, tier_rank, started_at, expires_at, expiry_journaled FROM privileges WHERE user_id = ? AND product = ? AND scope = ?",
            arguments: [buyer, r.product, scope])
        var action = PrivilegePurchase.Action.new
        var startsAt = now
        var expiresAt = now + span
        var credit: Int64 = 0
        if let held {
            let heldTier: String = held[0]
            let heldRank: Int64 = held[1]
            let heldEnd: Int64 = held[3]
            if heldEnd > now {
                if heldRank == rank, heldTier == r.tier {
                    action = .renewal
                    startsAt = held[2]
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
            } else if (held[4] as Int64) == 0 {
                try journalExpiry(db, user: buyer, product: product, scope: scope, tier: heldTier, at: heldEnd)
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
        if !chain.isEmpty { _ = try ledger.apply(db, chain, now: now) }
        try db.execute(
            sql: """
                INSERT INTO privileges (user_id, product, scope, tier, tier_rank, started_at, expires_at, expiry_journaled)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0)
                ON CONFLICT (user_id, product, scope) DO UPDATE SET tier = excluded.tier, tier_rank = excluded.tier_rank,
                    started_at = excluded.started_at, expires_at = excluded.expires_at, expiry_journaled = 0
                """,
            arguments: [buyer, r.product, scope, r.tier, rank, startsAt, expiresAt])
        let result = PrivilegePurchase(
            purchaseID: purchaseID, buyerID: buyer, product: r.product, kind: product.kind, tier: r.tier, tierRank: rank, days: r.days,
            streamerID: r.streamerID, action: action, priceCoins: price.coins, creditCoins: credit, chargedCoins: charge,
            streamerShareCoins: share, startsAt: startsAt, expiresAt: expiresAt,
            balanceCoins: try ledger.balance(db, .user(buyer, "coins")), at: now)
        _ = try Journal.append(db, type: Self.boughtType, payload: result, idempotencyKey: purchaseID, at: now)
        try db.execute(
            sql: "INSERT INTO privilege_purchases (buyer_id, idempotency_key, request, outcome, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [buyer, r.idempotencyKey, r.canonical, String(decoding: try JSONEncoder.sorted.encode(result), as: UTF8.self), now])
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
        let swept: [String] = try await store.write { db in
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT user_id, product, scope, tier, expires_at FROM privileges
                    WHERE expiry_journaled = 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?
                    """, arguments: [now, limit])
            let catalog = try self.catalog(db)
            for row in rows {
                let productID: String = row[1]
                let product = catalog[productID] ?? PrivilegeProduct(id: productID, kind: .vip, title: productID, priority: 0, tiers: [])
                try self.journalExpiry(db, user: row[0], product: product, scope: row[2], tier: row[3], at: row[4])
            }
            return rows.map { $0[0] as String }
        }
        for user in Set(swept) { invalidateShown(user: user) }
        return swept.count
    }

    func journalExpiry(_ db: Database, user: String, product: PrivilegeProduct, scope: String, tier: String, at end: Int64) throws {
        let fact = PrivilegeExpired(
            userID: user, product: product.id, kind: product.kind, tier: tier, streamerID: scope.isEmpty ? nil : scope, expiredAt: end)
        _ = try Journal.append(
            db, type: Self.expiredType, payload: fact, idempotencyKey: "privilege_expired:\(user):\(product.id):\(scope):\(end)", at: end)
        try db.execute(
            sql: "UPDATE privileges SET expiry_journaled = 1 WHERE user_id = ? AND product = ? AND scope = ? AND expires_at = ?",
            arguments: [user, product.id, scope, end])
    }

    // MARK: Reads

    /// `user`'s active holdings at `now`, highest priority first.
    public func held(user: String) async throws -> [HeldPrivilege] {
        let now = clock.nowMillis()
        return try await store.read { db in try self.held(db, user: user, now: now) }
    }

    /// `user`'s active holdings at `now` (`expires_at > now`), highest priority first (then the
    /// higher tier, then the product id).
    public func held(_ db: Database, user: String, now: Int64) throws -> [HeldPrivilege] {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT product, scope, tier, tier_rank, started_at, expires_at FROM privileges
                WHERE user_id = ? AND expires_at > ?
                """), arguments: [user, now])
        guard !rows.isEmpty else { return [] }
        let catalog = try catalog(db)
        return rows.map { row in
            let productID: String = row[0]
            let scope: String = row[1]
            let tierID: String = row[2]
            let product = catalog[productID]
            let tier = product?.tier(tierID)
            let shows = product.map { $0.shows(rank: tier?.rank ?? 0) }
            return HeldPrivilege(
                product: productID, kind: product?.kind ?? .vip, line: product?.title ?? productID, priority: product?.priority ?? 0,
                tier: tierID, tierRank: row[3], tierTitle: tier?.tier.title ?? tierID, streamerID: scope.isEmpty ? nil : scope,
                startedAt: row[4], expiresAt: row[5], badge: shows?.badge, entryEffect: shows?.entryEffect, vehicle: shows?.vehicle)
        }.sorted(by: HeldPrivilege.showsBefore)
    }

    /// What `user` shows in a room of `streamer` (or anywhere, with nil: guards then show
    /// nothing), through the short cache.
    public func shown(user: String, streamer: String?) async -> EntryPrivileges {
        let now = clock.nowMillis()
        let key = user + "\u{1}" + (streamer ?? "")
        if let hit = shownCache.withLock({ $0[key] }), now < hit.until { return hit.value }
        guard let (value, until) = try? await store.read({ db in try self.shown(db, user: user, streamer: streamer, now: now) }) else {
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
    public func shown(_ db: Database, user: String, streamer: String?, now: Int64) throws -> (EntryPrivileges, until: Int64) {
        let held = try held(db, user: user, now: now).filter { $0.kind != .guard || $0.streamerID == streamer }
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
        shown.medal = try FanMedals.worn(db, viewer: user)
        return (shown, held.map(\.expiresAt).min() ?? Int64.max)
    }

    /// Forgets what `user` showed (after a purchase, an expiry or a medal change).
    public func invalidateShown(user: String) {
        let prefix = user + "\u{1}"
        shownCache.withLock { c in
            for key in c.keys where key.hasPrefix(prefix) { c[key] = nil }
        }
    }

    /// The guard `viewer` holds for `streamer` now, if any.
    public static func guardHeld(_ db: Database, viewer: String, streamer: String, now: Int64) throws -> (tier: String, rank: Int64, product: String, expiresAt: Int64)? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT p.tier, p.tier_rank, p.product, p.expires_at FROM privileges p JOIN privilege_products d ON d.id = p.product
                WHERE p.user_id = ? AND p.scope = ? AND d.kind = 'guard' AND p.expires_at > ?
                ORDER BY p.tier_rank DESC LIMIT 1
                """), arguments: [viewer, streamer, now])
        return row.map { ($0[0], $0[1], $0[2], $0[3]) }
    }

    /// The tier of VIP line `line` that `user` holds now, if any.
    public static func vipHeld(_ db: Database, user: String, line: String, now: Int64) throws -> (tier: String, rank: Int64, expiresAt: Int64)? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT p.tier, p.tier_rank, p.expires_at FROM privileges p JOIN privilege_products d ON d.id = p.product
                WHERE p.user_id = ? AND p.product = ? AND p.scope = '' AND d.kind = 'vip' AND p.expires_at > ?
                """), arguments: [user, line, now])
        return row.map { ($0[0], $0[1], $0[2]) }
    }
}

extension JSONEncoder {
    /// Sorted keys: the same value always encodes to the same bytes.
    static var sorted: JSONEncoder {
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
