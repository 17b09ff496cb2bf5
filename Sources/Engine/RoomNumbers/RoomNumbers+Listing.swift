import Rooms

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
        return try await store.write { [self] tx in
            if let holder = try tx.roomID(holding: number) {
                throw RoomNumberError.taken(number: number, roomID: holder)
            }
            if try tx.roomExists(id: number) {
                throw RoomNumberError.taken(number: number, roomID: number)
            }
            let before = try tx.listedPrice(of: number)
            if before != priceCoins {
                try tx.saveListing(number, priceCoins: priceCoins, at: now)
                let fact = ListingFact(number: number, priceCoins: priceCoins, by: operatorID)
                _ = try tx.journal.append(type: Self.listedType, payload: fact, at: now)
            }
            return try Self.row(tx, number, now: now, coolDown: coolDownMillis)
        }
    }

    /// Withdraws the listing of `number`.
    /// - Throws: `RoomNumberError` `invalid_number`, `number_not_listed` (404).
    public func unlist(_ number: String, by operatorID: String) async throws -> RoomNumber {
        try RoomNumberRules.check(number)
        let now = clock.nowMillis()
        return try await store.write { [self] tx in
            guard try tx.unlist(number) else { throw RoomNumberError.notListed(number: number) }
            _ = try tx.journal.append(type: Self.unlistedType, payload: ListingFact(number: number, priceCoins: nil, by: operatorID), at: now)
            return try Self.row(tx, number, now: now, coolDown: coolDownMillis)
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
        return try await store.read { tx in
            try tx.records(after: after, limit: limit, coolDownMillis: coolDown, now: now).map { Self.number($0, now: now, coolDown: coolDown) }
        }
    }
}
