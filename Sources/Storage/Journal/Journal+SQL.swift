import Books
import Engine
import Foundation
import GRDB

extension Journal {
    /// Appends a fact whose payload is `payload` encoded as JSON (keys sorted).
    /// - Parameters: see `append(_:type:payloadJSON:idempotencyKey:at:)`.
    /// - Throws: `JournalError` for a bad type, payload or key; database errors.
    public static func append(
        _ db: Database, type: String, payload: some Encodable,
        idempotencyKey: String? = nil, at ms: Int64
    ) throws -> JournalEntry {
        try insert(db, type: type, json: try payloadJSON(payload), key: idempotencyKey, at: ms)
    }

    /// Appends a fact whose payload is already JSON text.
    ///
    /// With an `idempotencyKey` that is already in the journal, nothing is written and the
    /// existing entry is returned unchanged, whatever its type and payload: retrying a request
    /// yields the original fact. Callers that must detect a reused key with another body compare
    /// the returned entry with what they meant to append.
    /// - Parameters:
    ///   - db: the caller's database, inside its write transaction.
    ///   - type: what happened, 1...`typeBytesMax` bytes.
    ///   - payloadJSON: valid JSON text of at most `payloadBytesMax` bytes.
    ///   - idempotencyKey: optional key, 1...`idempotencyKeyBytesMax` bytes.
    ///   - ms: the fact's time in milliseconds since the Unix epoch.
    /// - Returns: the new entry, or the existing one for a known key.
    /// - Throws: `JournalError` for a bad type, payload or key; database errors.
    public static func append(
        _ db: Database, type: String, payloadJSON: String,
        idempotencyKey: String? = nil, at ms: Int64
    ) throws -> JournalEntry {
        let data = Data(payloadJSON.utf8)
        guard data.count <= payloadBytesMax else {
            throw JournalError.payloadTooLarge(bytes: data.count, max: payloadBytesMax)
        }
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw JournalError.invalidPayload(reason: "not valid JSON")
        }
        return try insert(db, type: type, json: payloadJSON, key: idempotencyKey, at: ms)
    }

    /// Appends a fact whose payload is JSON text the host built itself (`JSONText`), without
    /// parsing it again, and without an idempotency key.
    /// - Throws: `JournalError` for a bad type or a payload over `payloadBytesMax`; database errors.
    static func appendHostJSON(_ db: Database, type: String, json: String, at ms: Int64) throws {
        _ = try insert(db, type: type, json: json, key: nil, at: ms)
    }

    /// Appends a `gift` fact, which carries the gift's legs (`GiftLegs`), naming the accounts
    /// that paid and were paid, by number, for the per-account history. The JSON is the host's own
    /// (`GiftReceipt.jsonText`): no re-parse. The row holds its send's key in `gift_key`, which
    /// no index covers: the caller has looked the key up in the writer's `GiftKeyIndex` first
    /// and hands it the row's offset after, so nothing is journaled twice.
    /// - Returns: the row's offset.
    static func appendGift(
        _ db: Database, json: String, key: String, payer: AccountNumber, payee: AccountNumber?, at ms: Int64
    ) throws -> Int64 {
        guard json.utf8.count <= payloadBytesMax else {
            throw JournalError.payloadTooLarge(bytes: json.utf8.count, max: payloadBytesMax)
        }
        let insert = try db.cachedStatement(sql: "INSERT INTO journal (type, payload, created_at, gift_key, payer, payee) VALUES ('gift', ?, ?, ?, ?, ?)")
        try insert.runRaw(.text(json), .int(ms), .text(key), .int(payer), .int(payee))
        return insert.lastInsertedRowIDRaw
    }

    private static func insert(
        _ db: Database, type: String, json: String, key: String?, at ms: Int64
    ) throws -> JournalEntry {
        guard !type.isEmpty, type.utf8.count <= typeBytesMax else { throw JournalError.invalidType(type) }
        guard json.utf8.count <= payloadBytesMax else {
            throw JournalError.payloadTooLarge(bytes: json.utf8.count, max: payloadBytesMax)
        }
        if let key {
            guard !key.isEmpty, key.utf8.count <= idempotencyKeyBytesMax else {
                throw JournalError.invalidIdempotencyKey
            }
            if let existing = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM journal WHERE idempotency_key = ?"), arguments: [key])
            {
                return JournalEntry(row: existing)
            }
        }
        // Bound by position (`runRaw`): the consumers append a fact this way for every chest
        // opening and broadcast, where GRDB's arguments cost more than the insert's own binding.
        let insert = try db.cachedStatement(sql: "INSERT INTO journal (type, payload, created_at, idempotency_key) VALUES (?, ?, ?, ?)")
        try insert.runRaw(.text(type), .text(json), .int(ms), .text(key))
        return JournalEntry(offset: insert.lastInsertedRowIDRaw, type: type, payload: json, createdAt: ms, idempotencyKey: key)
    }
}
