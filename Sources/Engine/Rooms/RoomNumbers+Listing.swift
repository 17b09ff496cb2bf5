import GRDB

extension RoomNumbers {
    /// The payload of `room_number_listed` and `room_number_unlisted`.
    struct ListingFact: Codable {
        let number: String
        let priceCoins: Int64?
        let by: String
        enum CodingKeys: String, CodingKey {
            case number, by
            case priceCoins = "price_coins"
        }
    }

    /// Lists `number` for sale at `priceCoins` (or changes its price). A number in its cool-down
    /// may be listed; it can be bought once the cool-down ends. The same price again changes
    /// nothing and journals nothing.
    /// - Throws: `RoomNumberError` `invalid_number`, `invalid_price_coins`, `number_taken` (a room
    ///   holds it, or has it as its id).
    public func list(_ number: String, priceCoins: Int64, by operatorID: String) async throws -> RoomNumber {
        try RoomNumberRules.check(number)
        try RoomNumberRules.checkPrice(priceCoins)
        let now = clock.nowMillis()
        return try await store.write { [self] db in
            if let holder = try String.fetchOne(db, sql: "SELECT room_id FROM room_numbers WHERE number = ?", arguments: [number]) {
                throw RoomNumberError.taken(number: number, roomID: holder)
            }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM rooms WHERE id = ?)", arguments: [number]) == true {
                throw RoomNumberError.taken(number: number, roomID: number)
            }
            let before = try Int64.fetchOne(db, sql: "SELECT price_coins FROM room_numbers WHERE number = ?", arguments: [number])
            if before != priceCoins {
                try db.execute(
                    sql: """
                        INSERT INTO room_numbers (number, price_coins, listed_at) VALUES (?, ?, ?)
                        ON CONFLICT (number) DO UPDATE SET price_coins = excluded.price_coins, listed_at = excluded.listed_at
                        """,
                    arguments: [number, priceCoins, now])
                let fact = ListingFact(number: number, priceCoins: priceCoins, by: operatorID)
                _ = try Journal.append(db, type: Self.listedType, payload: fact, at: now)
            }
            return try Self.row(db, number, now: now, coolDown: coolDownMillis)
        }
    }

    /// Withdraws the listing of `number`.
    /// - Throws: `RoomNumberError` `invalid_number`, `number_not_listed` (404).
    public func unlist(_ number: String, by operatorID: String) async throws -> RoomNumber {
        try RoomNumberRules.check(number)
        let now = clock.nowMillis()
        return try await store.write { [self] db in
            try db.execute(
                sql: "UPDATE room_numbers SET price_coins = NULL, listed_at = NULL WHERE number = ? AND price_coins IS NOT NULL",
                arguments: [number])
            guard db.changesCount > 0 else { throw RoomNumberError.notListed(number: number) }
            _ = try Journal.append(db, type: Self.unlistedType, payload: ListingFact(number: number, priceCoins: nil, by: operatorID), at: now)
            return try Self.row(db, number, now: now, coolDown: coolDownMillis)
        }
    }

    /// Every number the store knows (held, cooling down or listed), in numeric order.
    /// - Parameters: limit: 1...`listLimitMax`; after: the last number of the previous page.
    /// - Throws: `RoomNumberError` `invalid_limit`, `invalid_after`.
    public func numbers(limit: Int = 100, after: String? = nil) async throws -> [RoomNumber] {
        guard (1...Self.listLimitMax).contains(limit) else { throw RoomNumberError.invalid(.limit, "must be 1-\(Self.listLimitMax)") }
        if let after, !RoomNumberRules.isNumber(after) { throw RoomNumberError.invalid(.after, "must be a room number") }
        let now = clock.nowMillis()
        let coolDown = coolDownMillis
        return try await store.read { db in
            // Same-length digit strings without leading zeros sort as numbers do.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM room_numbers
                    WHERE (room_id IS NOT NULL OR price_coins IS NOT NULL OR released_at + ? > ?)
                      AND (length(number), number) > (length(?), ?)
                    ORDER BY length(number), number LIMIT ?
                    """,
                arguments: [coolDown, now, after ?? "", after ?? "", limit]
            ).map { Self.number($0, now: now, coolDown: coolDown) }
        }
    }
}
