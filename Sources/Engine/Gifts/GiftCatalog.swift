import Foundation
import GRDB
import Synchronization

/// The gift catalog, versioned: every edit writes a new version (kept in `gift_versions`) and a
/// `gift_updated` journal fact in the same transaction.
public struct GiftCatalog: Sendable {
    /// Journal type of catalog edits.
    public static let updatedType = "gift_updated"

    let store: Store
    let clock: any WallClock
    let assets: Set<String>

    /// - Parameters: store: the database; clock: edit times; assets: what `effect_asset` may name.
    public init(store: Store, clock: any WallClock = SystemWallClock(), assets: Set<String> = ["coins", "tickets", "revenue"]) {
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
        return try await store.write { db in
            let current = try Int64.fetchOne(db, sql: "SELECT version FROM gifts WHERE id = ?", arguments: [id]) ?? 0
            let gift = try GiftRules.gift(id: id, edit, version: current + 1, nowMillis: now, assets: assets)
            let body = String(decoding: try JSONEncoder().encode(gift), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO gifts (id, version, body, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET version = excluded.version, body = excluded.body, updated_at = excluded.updated_at
                    """,
                arguments: [id, gift.version, body, now])
            try db.execute(
                sql: "INSERT INTO gift_versions (id, version, body, updated_at) VALUES (?, ?, ?, ?)",
                arguments: [id, gift.version, body, now])
            _ = try Journal.append(db, type: Self.updatedType, payloadJSON: body, idempotencyKey: nil, at: now)
            return gift
        }
    }

    /// The gift, as of now.
    /// - Throws: `GiftError.notFound`.
    public func gift(id: String) async throws -> Gift {
        guard let gift = try await store.read({ db in try Self.gift(id: id, in: db) }) else { throw GiftError.notFound(id: id) }
        return gift
    }

    /// Every gift offered in `room` now, cheapest first.
    public func offered(in room: Room) async throws -> [Gift] {
        let now = clock.nowMillis()
        return try await all().filter { $0.isOffered(roomID: room.id, category: room.category, nowMillis: now) }
    }

    /// Every gift in the catalog, cheapest first (ties by id).
    public func all() async throws -> [Gift] {
        try await store.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM gifts").map(Self.decode)
        }.sorted { ($0.priceCoins, $0.id) < ($1.priceCoins, $1.id) }
    }

    /// The gift inside a transaction (the send path reads it with the same snapshot it writes in).
    /// The stored body is read every time; decoding it is skipped while it is the body last
    /// decoded for this id (`decoded`), so an edit is seen at once however it was written.
    static func gift(id: String, in db: Database) throws -> Gift? {
        guard let body = try db.cachedStatement(sql: "SELECT body FROM gifts WHERE id = ?").firstRowRaw(.text(id), read: { rawText($0, 0) }) else {
            return nil
        }
        if let known = decoded.withLock({ $0[id] }), known.body == body { return known.gift }
        let gift = try decode(body)
        decoded.withLock { cache in
            if cache.count >= decodedMax { cache.removeAll(keepingCapacity: true) }
            cache[id] = (body, gift)
        }
        return gift
    }

    /// Most gifts kept decoded (a catalog is tens to hundreds of gifts; past this the cache
    /// starts over).
    static let decodedMax = 4096
    private static let decoded = Mutex<[String: (body: String, gift: Gift)]>([:])

    static func decode(_ body: String) throws -> Gift {
        try JSONDecoder().decode(Gift.self, from: Data(body.utf8))
    }
}

/// The gifts one group-commit batch of sends has read, read once per batch rather than once
/// per send. Nothing else in the batch can change them: a catalog edit is a plain write, and
/// the store flushes (here: forgets) every overlay before a plain write runs.
final class GiftCatalogBatch: BatchOverlay {
    private var gifts: [String: Gift?] = [:]

    /// The gift as this batch read it (nil: no such gift).
    func gift(id: String, in db: Database) throws -> Gift? {
        if let known = gifts[id] { return known }
        let gift = try GiftCatalog.gift(id: id, in: db)
        gifts[id] = .some(gift)
        return gift
    }

    func flush(_ db: Database) throws { gifts.removeAll(keepingCapacity: true) }
}
