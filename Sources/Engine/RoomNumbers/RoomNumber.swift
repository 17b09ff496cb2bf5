
/// A vanity number as the store has it: who holds it, whether it cools down, whether it is for sale.
public struct RoomNumber: Sendable, Codable, Equatable {
    /// The number, `RoomNumberRules`.
    public let number: String
    /// The room holding it, nil when free.
    public let roomID: String?
    /// When the holder got it (ms since the epoch), nil when free.
    public let assignedAt: Int64?
    /// While the number cools down after a release: when it may be assigned again.
    public let freesAt: Int64?
    /// The price when listed for sale.
    public let priceCoins: Int64?

    enum CodingKeys: String, CodingKey {
        case number
        case roomID = "room_id"
        case assignedAt = "assigned_at"
        case freesAt = "frees_at"
        case priceCoins = "price_coins"
    }
}

/// What a release answers, and the payload of the `room_number_released` fact.
public struct RoomNumberRelease: Sendable, Codable, Equatable {
    public let number: String
    public let roomID: String
    /// Who released it (an operator, or the buyer whose purchase replaced it).
    public let by: String
    /// `operator` (a `DELETE`), or `replaced` (the room got another number).
    public let via: String
    public let releasedAt: Int64
    /// The end of the cool-down: no room may be given the number before.
    public let freesAt: Int64

    enum CodingKeys: String, CodingKey {
        case number, by, via
        case roomID = "room_id"
        case releasedAt = "released_at"
        case freesAt = "frees_at"
    }
}

/// The payload of the `room_number_assigned` fact.
public struct RoomNumberAssignment: Sendable, Codable, Equatable {
    public let number: String
    public let roomID: String
    public let streamerID: String
    /// The operator who assigned it, or the streamer who bought it.
    public let by: String
    /// `operator` or `purchase`.
    public let via: String
    public let assignedAt: Int64
    /// For a purchase: the price paid and the ledger transfer that paid it.
    public let priceCoins: Int64?
    public let transferID: String?

    enum CodingKeys: String, CodingKey {
        case number, by, via
        case roomID = "room_id"
        case streamerID = "streamer_id"
        case assignedAt = "assigned_at"
        case priceCoins = "price_coins"
        case transferID = "transfer_id"
    }
}

/// What a purchase answers (and answers again for a retry with the same key and body).
public struct RoomNumberPurchase: Sendable, Codable, Equatable {
    public let number: String
    public let roomID: String
    public let buyerID: String
    public let priceCoins: Int64
    /// The ledger transfer from the buyer to `system:platform_fees:coins`.
    public let transferID: String
    public let assignedAt: Int64
    /// The number the room held before, released by this purchase.
    public let replaced: String?

    enum CodingKeys: String, CodingKey {
        case number, replaced
        case roomID = "room_id"
        case buyerID = "buyer_id"
        case priceCoins = "price_coins"
        case transferID = "transfer_id"
        case assignedAt = "assigned_at"
    }
}
