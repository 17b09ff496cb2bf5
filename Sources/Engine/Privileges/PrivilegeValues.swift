import EngineCore

/// `POST /v1/privileges/purchases`'s body.
public struct PurchaseRequest: Sendable, Codable, Equatable {
    public var product: String
    public var tier: String
    public var days: Int64
    /// Guards only: the streamer the bond is with.
    public var streamerID: String?
    public var idempotencyKey: String

    public init(product: String, tier: String, days: Int64, streamerID: String? = nil, idempotencyKey: String) {
        self.product = product
        self.tier = tier
        self.days = days
        self.streamerID = streamerID
        self.idempotencyKey = idempotencyKey
    }

    public static let keys: Set<String> = ["product", "tier", "days", "streamer_id", "idempotency_key"]

    enum CodingKeys: String, CodingKey {
        case product, tier, days
        case streamerID = "streamer_id"
        case idempotencyKey = "idempotency_key"
    }

    /// The request as the idempotency record compares it.
    var canonical: String { "\(product)\n\(tier)\n\(days)\n\(streamerID ?? "")" }

    /// - Throws: `RequestError` 400 naming the field.
    func validate() throws(RequestError) {
        guard PrivilegeProduct.isIdentifier(product) else { throw RequestError("invalid_product", .badRequest, "product: not a product id") }
        guard PrivilegeProduct.isIdentifier(tier) else { throw RequestError("invalid_tier", .badRequest, "tier: not a tier id") }
        guard (1...PrivilegeProduct.daysMax).contains(days) else {
            throw RequestError("invalid_days", .badRequest, "days: 1...\(PrivilegeProduct.daysMax)")
        }
        if let streamerID, !Principal.isValidUserID(streamerID) {
            throw RequestError("invalid_streamer_id", .badRequest, "streamer_id: not a user id")
        }
        guard (1...100).contains(idempotencyKey.utf8.count), idempotencyKey.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw RequestError("invalid_idempotency_key", .badRequest, "idempotency_key: 1-100 bytes of printable ASCII without spaces")
        }
    }
}

/// A purchase's result: the answer to the buyer and the `privilege_bought` fact.
public struct PrivilegePurchase: Sendable, Codable, Equatable {
    /// What the purchase did to the holding.
    public enum Action: String, Sendable, Codable {
        case new, renewal, upgrade
    }

    /// `privilege:<buyer>:<idempotency_key>`; the ledger transfers' ids start with it.
    public var purchaseID: String
    public var buyerID: String
    public var product: String
    public var kind: PrivilegeProduct.Kind
    public var tier: String
    public var tierRank: Int64
    public var days: Int64
    public var streamerID: String?
    public var action: Action
    /// The tier's price for `days`.
    public var priceCoins: Int64
    /// What the unused lower tier was worth (upgrades), taken off the price.
    public var creditCoins: Int64
    /// What the buyer paid: price minus credit.
    public var chargedCoins: Int64
    /// Guards: the streamer's share of the charge, paid as revenue.
    public var streamerShareCoins: Int64
    public var startsAt: Int64
    public var expiresAt: Int64
    /// The buyer's coins right after the purchase.
    public var balanceCoins: Int64
    /// When it was bought.
    public var at: Int64

    enum CodingKeys: String, CodingKey {
        case product, kind, tier, days, action, at
        case purchaseID = "purchase_id"
        case buyerID = "buyer_id"
        case tierRank = "tier_rank"
        case streamerID = "streamer_id"
        case priceCoins = "price_coins"
        case creditCoins = "credit_coins"
        case chargedCoins = "charged_coins"
        case streamerShareCoins = "streamer_share_coins"
        case startsAt = "starts_at"
        case expiresAt = "expires_at"
        case balanceCoins = "balance_coins"
    }
}

/// The `privilege_expired` fact.
public struct PrivilegeExpired: Sendable, Codable, Equatable {
    public var userID: String
    public var product: String
    public var kind: PrivilegeProduct.Kind
    public var tier: String
    public var streamerID: String?
    public var expiredAt: Int64

    enum CodingKeys: String, CodingKey {
        case product, kind, tier
        case userID = "user_id"
        case streamerID = "streamer_id"
        case expiredAt = "expired_at"
    }
}

/// An active holding, with what its tier shows.
public struct HeldPrivilege: Sendable, Codable, Equatable {
    public var product: String
    public var kind: PrivilegeProduct.Kind
    /// The product's title (a VIP line's name).
    public var line: String
    public var priority: Int64
    public var tier: String
    public var tierRank: Int64
    public var tierTitle: String
    /// Guards: the streamer.
    public var streamerID: String?
    public var startedAt: Int64
    public var expiresAt: Int64
    public var badge: String?
    public var entryEffect: String?
    public var vehicle: String?

    enum CodingKeys: String, CodingKey {
        case product, kind, line, priority, tier, badge, vehicle
        case tierRank = "tier_rank"
        case tierTitle = "tier_title"
        case streamerID = "streamer_id"
        case startedAt = "started_at"
        case expiresAt = "expires_at"
        case entryEffect = "entry_effect"
    }

    /// The display order: higher product priority, then higher tier, then product id, then streamer.
    static func showsBefore(_ a: HeldPrivilege, _ b: HeldPrivilege) -> Bool {
        if a.priority != b.priority { return a.priority > b.priority }
        if a.tierRank != b.tierRank { return a.tierRank > b.tierRank }
        if a.product != b.product { return a.product < b.product }
        return (a.streamerID ?? "") < (b.streamerID ?? "")
    }
}
