import Books
import Engine
import GRDB

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
