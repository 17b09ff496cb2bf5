import Books
import Engine
import EngineCore
import GRDB

/// `RoomNumberStore` on the SQLite store: `room_numbers` and `room_number_purchases` (and the
/// ids of `rooms`), in the store's transactions, with the ledger and journal of
/// `SQLiteTransaction`.
public struct SQLiteRoomNumberStore: RoomNumberStore {
    let store: Store
    let ledger: Ledger

    /// - Parameters: store: the database; ledger: what purchases pay through.
    public init(_ store: Store, ledger: Ledger) {
        self.store = store
        self.ledger = ledger
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any RoomNumberTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.write({ db in SQLiteRoomNumberTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any RoomNumberTransaction) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await store.read({ db in SQLiteRoomNumberTransaction(db: db, ledger: ledger) }, { tx in try body(tx) })
    }
}

/// `RoomNumberTransaction` on one SQLite connection inside an open transaction.
final class SQLiteRoomNumberTransaction: SQLiteTransaction, RoomNumberTransaction {
    func roomID(holding number: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT room_id FROM room_numbers WHERE number = ?"), arguments: [number])
    }

    func number(ofRoom roomID: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT number FROM room_numbers WHERE room_id = ?"), arguments: [roomID])
    }

    func assignability(of number: String) throws -> (roomID: String?, releasedAt: Int64?, priceCoins: Int64?)? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT room_id, released_at, price_coins FROM room_numbers WHERE number = ?"), arguments: [number]
        ).map { ($0["room_id"], $0["released_at"], $0["price_coins"]) }
    }

    func roomExists(id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM rooms WHERE id = ?)", arguments: [id]) == true
    }

    func listedPrice(of number: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT price_coins FROM room_numbers WHERE number = ?", arguments: [number])
    }

    func record(of number: String) throws -> RoomNumbers.Record? {
        try Row.fetchOne(db, sql: "SELECT * FROM room_numbers WHERE number = ?", arguments: [number]).map(Self.record(_:))
    }

    func records(after: String?, limit: Int, coolDownMillis: Int64, now: Int64) throws -> [RoomNumbers.Record] {
        // Same-length digit strings without leading zeros sort as numbers do.
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM room_numbers
                WHERE (room_id IS NOT NULL OR price_coins IS NOT NULL OR released_at + ? > ?)
                  AND (length(number), number) > (length(?), ?)
                ORDER BY length(number), number LIMIT ?
                """,
            arguments: [coolDownMillis, now, after ?? "", after ?? "", limit]
        ).map(Self.record(_:))
    }

    static func record(_ row: Row) -> RoomNumbers.Record {
        RoomNumbers.Record(
            number: row["number"], roomID: row["room_id"], assignedAt: row["assigned_at"], releasedAt: row["released_at"],
            priceCoins: row["price_coins"])
    }

    func markReleased(_ number: String, at now: Int64) throws {
        try db.execute(sql: "UPDATE room_numbers SET room_id = NULL, assigned_at = NULL, released_at = ? WHERE number = ?", arguments: [now, number])
    }

    func saveAssignment(_ number: String, roomID: String, at assignedAt: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO room_numbers (number, room_id, assigned_at) VALUES (?, ?, ?)
                ON CONFLICT (number) DO UPDATE SET
                    room_id = excluded.room_id, assigned_at = excluded.assigned_at, price_coins = NULL, listed_at = NULL
                """,
            arguments: [number, roomID, assignedAt])
    }

    func saveListing(_ number: String, priceCoins: Int64, at now: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO room_numbers (number, price_coins, listed_at) VALUES (?, ?, ?)
                ON CONFLICT (number) DO UPDATE SET price_coins = excluded.price_coins, listed_at = excluded.listed_at
                """,
            arguments: [number, priceCoins, now])
    }

    func unlist(_ number: String) throws -> Bool {
        try db.execute(
            sql: "UPDATE room_numbers SET price_coins = NULL, listed_at = NULL WHERE number = ? AND price_coins IS NOT NULL",
            arguments: [number])
        return db.changesCount > 0
    }

    func purchaseRecord(buyer: String, key: String) throws -> (bodyHash: String, status: String, outcomeJSON: String)? {
        try Row.fetchOne(
            db, sql: "SELECT body_hash, status, outcome FROM room_number_purchases WHERE buyer_id = ? AND idempotency_key = ?",
            arguments: [buyer, key]
        ).map { ($0["body_hash"], $0["status"], $0["outcome"]) }
    }

    func recordPurchase(buyer: String, key: String, bodyHash: String, status: String, outcomeJSON: String, at now: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO room_number_purchases (buyer_id, idempotency_key, body_hash, status, outcome, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [buyer, key, bodyHash, status, outcomeJSON, now])
    }
}

extension RoomNumbers {
    /// Room numbers on the SQLite store, purchases paid through `ledger`.
    /// - Parameters: store: the database; ledger: pays purchases; clock: assignment times and
    ///   cool-downs; coolDownMillis: 0...`coolDownMillisMax`.
    public init(store: Store, ledger: Ledger, clock: any WallClock = SystemWallClock(), coolDownMillis: Int64 = coolDownMillisDefault) {
        self.init(store: SQLiteRoomNumberStore(store, ledger: ledger), clock: clock, coolDownMillis: coolDownMillis)
    }
}
