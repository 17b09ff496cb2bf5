import Foundation
import GRDB

/// The gift chain's steps in a generation, in their declared order.
enum GiftSteps {
    /// Steps with `handler` that apply to `giftID` (a step without `gifts` applies to all).
    static func ordered(_ generation: ScriptGeneration, handler: String, giftID: String) -> [Declaration] {
        generation.declarations
            .filter { $0.kind == .giftStep && $0.handlers.contains(handler) }
            .filter { d in
                guard let list = d.data.fields["gifts"]?.table?.array else { return true }
                return list.contains(.string(giftID))
            }
            .sorted { ($0.data.fields["order"]?.integer ?? 0, $0.id) < ($1.data.fields["order"]?.integer ?? 0, $1.id) }
    }
}

/// Per-sender idempotency records of gift sends.
enum GiftSends {
    /// The earlier outcome for this sender and key, if any.
    /// - Throws: `LedgerError` `idempotency_conflict` when the key was used with another body.
    static func prior(_ db: Database, _ r: GiftSendRequest) throws -> Result<GiftReceipt, RecordedFailure>? {
        guard let row = try db.cachedStatement(sql: "SELECT body_hash, status, outcome FROM gift_sends WHERE sender_id = ? AND idempotency_key = ?")
            .firstRowRaw(.text(r.senderID), .text(r.idempotencyKey), read: { (hash: rawText($0, 0), status: rawText($0, 1), outcome: rawText($0, 2)) })
        else { return nil }
        guard row.hash == r.bodyHash else {
            throw LedgerError(.idempotencyConflict, "idempotency key '\(r.idempotencyKey)' was used for another gift send")
        }
        let json = row.outcome
        guard row.status == "ok" else { return .failure(try JSONDecoder().decode(RecordedFailure.self, from: Data(json.utf8))) }
        if !json.isEmpty { return .success(try GiftReceipt(jsonText: json)) }
        // A success keeps no copy of its receipt: it is the `gift` fact written with it.
        guard let fact = try String.fetchOne(
            db.cachedStatement(sql: "SELECT payload FROM journal WHERE idempotency_key = ?"), arguments: [factKey(r)]) else {
            preconditionFailure("gift send \(r.senderID)/\(r.idempotencyKey) recorded without its gift fact")
        }
        return .success(try GiftReceipt(jsonText: fact))
    }

    /// The idempotency key of a send's `gift` fact.
    static func factKey(_ r: GiftSendRequest) -> String { "gift:\(r.senderID):\(r.idempotencyKey)" }

    /// Records the outcome under the send's key. A refusal keeps its error; a success keeps
    /// nothing more (its receipt is the `gift` fact, committed in the same transaction), so a
    /// send writes its receipt once.
    static func record(_ db: Database, _ r: GiftSendRequest, _ outcome: Result<GiftReceipt, RecordedFailure>, at now: Int64) throws {
        let (status, json): (String, String) = switch outcome {
        case .success: ("ok", "")
        case .failure(let failure): ("failed", String(decoding: try JSONEncoder().encode(failure), as: UTF8.self))
        }
        try db.cachedStatement(
            sql: "INSERT INTO gift_sends (sender_id, idempotency_key, body_hash, status, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)"
        ).runRaw(.text(r.senderID), .text(r.idempotencyKey), .text(r.bodyHash), .text(status), .text(json), .int(now))
    }
}

/// Combo counting: consecutive sends of one gift by one viewer in one room within the window.
enum GiftCombos {
    /// Counts this send into its streak and returns the streak's length, in one upsert.
    static func next(_ db: Database, _ r: GiftSendRequest, windowSeconds: Int64, now: Int64) throws -> Int64 {
        guard windowSeconds > 0 else { return 1 }
        let combo = try Int64.fetchOne(
            db.cachedStatement(sql: """
                INSERT INTO gift_combos (sender_id, room_id, gift_id, combo, last_at) VALUES (?1, ?2, ?3, 1, ?4)
                ON CONFLICT(sender_id, room_id, gift_id) DO UPDATE
                SET combo = CASE WHEN ?4 - last_at <= ?5 THEN combo + 1 ELSE 1 END, last_at = ?4
                RETURNING combo
                """),
            arguments: [r.senderID, r.roomID, r.giftID, now, windowSeconds * 1000])
        return combo ?? 1
    }
}
