import Books
import Engine
import Foundation
import GRDB
import Synchronization

/// `GiftCatalogStore` on the SQLite store: `gifts` (the current versions) and `gift_versions`.
public struct SQLiteGiftCatalogStore: GiftCatalogStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func put(id: String, at now: Int64, _ build: @escaping @Sendable (_ version: Int64) throws -> Gift) async throws -> Gift {
        try await store.write { db in
            let current = try Int64.fetchOne(db, sql: "SELECT version FROM gifts WHERE id = ?", arguments: [id]) ?? 0
            let gift = try build(current + 1)
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
            _ = try Journal.append(db, type: GiftCatalog.updatedType, payloadJSON: body, idempotencyKey: nil, at: now)
            return gift
        }
    }

    public func gift(id: String) async throws -> Gift? {
        try await store.read { db in try Self.gift(id: id, in: db) }
    }

    public func all() async throws -> [Gift] {
        try await store.read { db in try String.fetchAll(db, sql: "SELECT body FROM gifts").map(Self.decode) }
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
        let gift = try SQLiteGiftCatalogStore.gift(id: id, in: db)
        gifts[id] = .some(gift)
        return gift
    }

    func flush(_ db: Database) throws { gifts.removeAll(keepingCapacity: true) }
}
