import Foundation
import GRDB

/// The gift chain's steps in a generation, in their declared order.
enum GiftSteps {
    /// Every gift step of a generation per handler, in declared order: sorted once per
    /// generation, not once per send.
    private static let byHandler = GenerationCache<[String: [Declaration]]> { generation in
        let steps = generation.declarations.filter { $0.kind == .giftStep }
            .sorted { ($0.data.fields["order"]?.integer ?? 0, $0.id) < ($1.data.fields["order"]?.integer ?? 0, $1.id) }
        var out: [String: [Declaration]] = [:]
        for step in steps {
            for handler in step.handlers { out[handler, default: []].append(step) }
        }
        return out
    }

    /// A step's `after_commit` as the gift-steps consumer calls it, resolved once per generation:
    /// a class, so a gift's list of its steps retains each instead of copying its declaration.
    final class AfterCommit: Sendable {
        let declaration: Declaration
        let handler: HandlerID
        /// The step's `config` table (empty without one).
        let config: LuaTable
        /// The gifts it applies to; nil for all.
        let gifts: Set<String>?

        init(declaration: Declaration, handler: HandlerID, config: LuaTable, gifts: Set<String>?) {
            self.declaration = declaration
            self.handler = handler
            self.config = config
            self.gifts = gifts
        }

        func applies(to giftID: String) -> Bool { gifts?.contains(giftID) ?? true }
    }

    private static let afterCommit = GenerationCache<[AfterCommit]> { generation in
        (byHandler.value(for: generation)["after_commit"] ?? []).compactMap { d -> AfterCommit? in
            guard let id = generation.handler(d.address, "after_commit") else { return nil }
            let gifts = (d.data.fields["gifts"]?.table?.array).map { list in Set(list.compactMap(\.string)) }
            return AfterCommit(declaration: d, handler: id, config: d.data.fields["config"]?.table ?? LuaTable(), gifts: gifts)
        }
    }

    /// Every step's `after_commit` in declared order, each with the gifts it applies to.
    static func afterCommitSteps(_ generation: ScriptGeneration) -> [AfterCommit] { afterCommit.value(for: generation) }

    /// Steps with `handler` that apply to `giftID` (a step without `gifts` applies to all).
    static func ordered(_ generation: ScriptGeneration, handler: String, giftID: String) -> [Declaration] {
        guard let steps = byHandler.value(for: generation)[handler] else { return [] }
        return steps.filter { d in
            guard let list = d.data.fields["gifts"]?.table?.array else { return true }
            return list.contains(.string(giftID))
        }
    }
}

/// Per-sender idempotency records of gift sends, found by one lookup of the send's key
/// `gift:<sender>:<key>` in the writer's `GiftKeyIndex` (in memory for the newest rows, else in
/// `gift_keys`): a success is its `gift` journal fact; a refusal is a `gift_sends` row holding
/// the error, whose key `gift_keys` holds as refused. (Successes before the legs moved into the
/// journal also have a `gift_sends` row, with an empty outcome; their key names their fact.)
enum GiftSends {
    /// The earlier outcome for this sender and key, if any: the receipt of its `gift` fact, or
    /// the refusal recorded under it. A new send (most of them) costs one probe.
    /// - Throws: `LedgerError` `idempotency_conflict` when the key was used with another body.
    static func prior(_ db: Database, _ batch: WriteBatch, _ r: GiftSendRequest) throws -> Result<GiftReceipt, RecordedFailure>? {
        switch try batch.giftKeys.record(of: factKey(r), db) {
        case nil:
            return nil
        case .sent(let offset):
            guard let fact = try db.cachedStatement(sql: "SELECT payload FROM journal WHERE offset = ?")
                .firstRowRaw(.int(offset), read: { rawText($0, 0) })
            else { preconditionFailure("gift key \(factKey(r)) indexed at offset \(offset), which holds no row") }
            let receipt = try GiftReceipt(jsonText: fact)
            guard receipt.roomID == r.roomID, receipt.giftID == r.giftID, receipt.count == r.count else { throw conflict(r) }
            return .success(receipt)
        case .refused:
            guard let row = try db.cachedStatement(sql: "SELECT body_hash, status, outcome FROM gift_sends WHERE sender_id = ? AND idempotency_key = ?")
                .firstRowRaw(.text(r.senderID), .text(r.idempotencyKey), read: { (hash: rawText($0, 0), status: rawText($0, 1), outcome: rawText($0, 2)) }),
                row.status != "ok"
            else { preconditionFailure("gift key \(factKey(r)) indexed as refused, without its refusal") }
            guard row.hash == r.bodyHash else { throw conflict(r) }
            return .failure(try JSONDecoder().decode(RecordedFailure.self, from: Data(row.outcome.utf8)))
        }
    }

    private static func conflict(_ r: GiftSendRequest) -> LedgerError {
        LedgerError(.idempotencyConflict, "idempotency key '\(r.idempotencyKey)' was used for another gift send")
    }

    /// The idempotency key of a send's `gift` fact.
    static func factKey(_ r: GiftSendRequest) -> String { "gift:\(r.senderID):\(r.idempotencyKey)" }

    /// Records a refusal under the send's key, returned again for every retry: its row in
    /// `gift_sends`, and its key in `gift_keys` as refused (refusals are few: written at once).
    static func recordRefusal(_ db: Database, _ batch: WriteBatch, _ r: GiftSendRequest, _ failure: RecordedFailure, at now: Int64) throws {
        let json = String(decoding: try JSONEncoder().encode(failure), as: UTF8.self)
        try db.cachedStatement(
            sql: "INSERT INTO gift_sends (sender_id, idempotency_key, body_hash, status, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)"
        ).runRaw(.text(r.senderID), .text(r.idempotencyKey), .text(r.bodyHash), .text("failed"), .text(json), .int(now))
        try batch.giftKeys.refused(factKey(r), db)
    }
}

/// Combo counting: consecutive sends of one gift by one viewer in one room within the window.
/// The streaks sends touch are held in memory by the one writer and written once each per
/// group commit when it flushes; they are kept from one commit to the next (`KeptOverlay`), so a
/// viewer's next send in a streak is not read again. A streak row changed by any other statement
/// makes it forget that viewer's streaks; a failed transaction or another connection's commit,
/// everything; past `keptMax` streaks it starts over.
final class GiftCombos: KeptOverlay {
    /// Streaks kept by default before the overlay starts over (after a flush).
    static let keptMaxDefault = 100_000
    /// Streaks kept before the overlay starts over (after a flush).
    let keptMax: Int

    init(keptMax: Int = GiftCombos.keptMaxDefault) {
        precondition(keptMax > 0, "an overlay keeps at least one streak")
        self.keptMax = keptMax
    }

    /// Streaks held now (read or counted since the overlay last started over).
    var keptCount: Int { streaks.count }

    static var table: (name: String, key: String) { ("gift_combos", "sender_id") }

    struct Key: Hashable {
        let sender: String
        let room: String
        let gift: String
    }

    struct Streak {
        var combo: Int64
        var lastAt: Int64
        var changed = false
    }

    /// Each streak read or counted (nil: no row).
    private var streaks: [Key: Streak?] = [:]
    private var changedOrder: [Key] = []

    /// What this send's streak would be, without counting it (`count` does).
    func peek(_ db: Database, _ r: GiftSendRequest, windowSeconds: Int64, now: Int64) throws -> Int64 {
        guard windowSeconds > 0 else { return 1 }
        let key = Key(sender: r.senderID, room: r.roomID, gift: r.giftID)
        let streak = try load(db, key)
        guard let streak, now - streak.lastAt <= windowSeconds * 1000 else { return 1 }
        return streak.combo + 1
    }

    /// Counts this send into its streak as `peek` found it.
    func count(_ r: GiftSendRequest, combo: Int64, windowSeconds: Int64, now: Int64) {
        guard windowSeconds > 0 else { return }
        let key = Key(sender: r.senderID, room: r.roomID, gift: r.giftID)
        if streaks[key]??.changed != true { changedOrder.append(key) }
        streaks[key] = Streak(combo: combo, lastAt: now, changed: true)
    }

    private func load(_ db: Database, _ key: Key) throws -> Streak? {
        if let known = streaks[key] { return known }
        let row = try db.cachedStatement(sql: "SELECT combo, last_at FROM gift_combos WHERE sender_id = ? AND room_id = ? AND gift_id = ?")
            .firstRowRaw(.text(key.sender), .text(key.room), .text(key.gift)) { Streak(combo: rawInt($0, 0) ?? 0, lastAt: rawInt($0, 1) ?? 0) }
        streaks[key] = .some(row)
        return row
    }

    /// Writes every changed streak and keeps them all, written (past `keptMax`, it forgets
    /// everything instead).
    func flush(_ db: Database) throws {
        for key in changedOrder {
            guard var streak = streaks[key] ?? nil else { continue }
            try db.cachedStatement(sql: """
                INSERT INTO gift_combos (sender_id, room_id, gift_id, combo, last_at) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT(sender_id, room_id, gift_id) DO UPDATE SET combo = ?4, last_at = ?5
                """
            ).runRaw(.text(key.sender), .text(key.room), .text(key.gift), .int(streak.combo), .int(streak.lastAt))
            streak.changed = false
            streaks[key] = streak
        }
        changedOrder.removeAll(keepingCapacity: true)
        if streaks.count > keptMax { reset() }
    }

    /// Forgets the streaks of `sender`, whose rows a statement other than the flush changed.
    func rowChanged(_ sender: String) {
        for key in streaks.keys where key.sender == sender {
            precondition(streaks[key]??.changed != true, "a streak of \(sender) changed while the overlay held unwritten changes")
            streaks[key] = nil
        }
    }

    /// Forgets everything, unwritten changes too (their transaction failed).
    func reset() {
        streaks.removeAll(keepingCapacity: true)
        changedOrder.removeAll(keepingCapacity: true)
    }
}
