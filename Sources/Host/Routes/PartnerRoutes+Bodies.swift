import Engine

/// Body of `POST /v1/partner/orders`.
struct PartnerDebitBody: StrictDecodable {
    static let allowedKeys: Set<String> = ["partner_order_id", "user_id", "amount_coins", "memo", "room_id"]
    let partnerOrderID: String
    let userID: String
    let amountCoins: Int64
    let memo: String?
    /// The room the game was played in: its streamer receives the partner's share.
    let roomID: String?
    enum CodingKeys: String, CodingKey {
        case memo
        case roomID = "room_id"
        case partnerOrderID = "partner_order_id"
        case userID = "user_id"
        case amountCoins = "amount_coins"
    }
}

/// Body of `POST /v1/partner/orders/{partner_order_id}/refunds`.
struct PartnerRefundBody: StrictDecodable {
    static let allowedKeys: Set<String> = ["refund_id", "amount_coins"]
    let refundID: String
    let amountCoins: Int64
    enum CodingKeys: String, CodingKey {
        case refundID = "refund_id"
        case amountCoins = "amount_coins"
    }
}

/// Body of `POST /v1/partner/messages`: exactly one of `to_user` and `to_room`.
struct PartnerMessageBody: StrictDecodable {
    static let allowedKeys: Set<String> = ["to_user", "to_room", "text"]
    let toUser: String?
    let toRoom: String?
    let text: String
    enum CodingKeys: String, CodingKey {
        case text
        case toUser = "to_user"
        case toRoom = "to_room"
    }
}
