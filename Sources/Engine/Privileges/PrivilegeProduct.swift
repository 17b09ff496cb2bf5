import EngineCore

/// A privilege an operator sells: a VIP line, a guard bond with one streamer, or a vehicle (an
/// entry animation). Its tiers are ordered: a higher tier includes what the lower ones give, so
/// a holder shows the tier they hold and nothing below it.
///
/// Prices are per duration: each tier lists the durations it sells (`days`) and what each costs.
/// A tier's *daily rate* is its cheapest coins per day over those durations; rates may not fall
/// as tiers rise, which is what makes an upgrade's credit (the unused time of the lower tier at
/// its daily rate) never exceed the upgrade's price.
public struct PrivilegeProduct: Sendable, Codable, Equatable {
    /// What a product is.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A VIP line: platform-wide, several lines may run at once.
        case vip
        /// A viewer's paid bond with one streamer; the streamer earns a share of the price.
        case `guard`
        /// An entry animation.
        case vehicle
    }

    /// One price: `coins` for `days` days.
    public struct Price: Sendable, Codable, Equatable {
        public var days: Int64
        public var coins: Int64
        public init(days: Int64, coins: Int64) {
            self.days = days
            self.coins = coins
        }
    }

    /// One tier, from the lowest.
    public struct Tier: Sendable, Codable, Equatable {
        public var id: String
        public var title: String
        public var prices: [Price]
        /// The badge a holder shows next to their name (by id), if any.
        public var badge: String?
        /// The entry effect a holder's arrival plays (by id), if any.
        public var entryEffect: String?
        /// Vehicles only: the animation (by id).
        public var vehicle: String?

        public init(id: String, title: String, prices: [Price], badge: String? = nil, entryEffect: String? = nil, vehicle: String? = nil) {
            self.id = id
            self.title = title
            self.prices = prices
            self.badge = badge
            self.entryEffect = entryEffect
            self.vehicle = vehicle
        }

        enum CodingKeys: String, CodingKey {
            case id, title, prices, badge, vehicle
            case entryEffect = "entry_effect"
        }
    }

    public var id: String
    public var kind: Kind
    public var title: String
    /// Higher shows first when a user holds several privileges (across lines and kinds).
    public var priority: Int64
    /// Guards only: the streamer's share of what a buyer pays, in basis points (0...10,000).
    public var streamerShareBP: Int64?
    public var tiers: [Tier]
    /// Starts at 1, one more on every edit.
    public var version: Int64

    public init(
        id: String, kind: Kind, title: String, priority: Int64, streamerShareBP: Int64? = nil, tiers: [Tier], version: Int64 = 1
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.priority = priority
        self.streamerShareBP = streamerShareBP
        self.tiers = tiers
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, title, priority, tiers, version
        case streamerShareBP = "streamer_share_bp"
    }

    /// Limits of a product.
    public static let tiersMax = 20
    public static let pricesMax = 10
    public static let daysMax: Int64 = 3_650
    public static let priceCoinsMax: Int64 = 10_000_000_000
    public static let priorityMax: Int64 = 1_000_000
    public static let titleBytesMax = 100

    /// The tier named `id` and its rank (1 for the lowest).
    public func tier(_ id: String) -> (tier: Tier, rank: Int64)? {
        guard let i = tiers.firstIndex(where: { $0.id == id }) else { return nil }
        return (tiers[i], Int64(i + 1))
    }

    /// What the tier of `rank` shows: a higher tier includes what the lower ones give, so each of
    /// badge, entry effect and vehicle is the tier's own or else the nearest lower tier's.
    /// Rank 0 (a tier an edit removed) shows nothing.
    public func shows(rank: Int64) -> (badge: String?, entryEffect: String?, vehicle: String?) {
        guard rank >= 1, rank <= Int64(tiers.count) else { return (nil, nil, nil) }
        let upTo = tiers[..<Int(rank)].reversed()
        return (upTo.lazy.compactMap(\.badge).first, upTo.lazy.compactMap(\.entryEffect).first, upTo.lazy.compactMap(\.vehicle).first)
    }

    /// Checks every limit and rule; the first problem is the error.
    /// - Throws: `RequestError` 400 `invalid_product` naming the field.
    public func validate() throws(RequestError) {
        func bad(_ why: String) -> RequestError { RequestError("invalid_product", .badRequest, why) }
        guard Self.isIdentifier(id) else { throw bad("id: 1-64 characters of a-z, 0-9, '-' and '_'") }
        guard (1...Self.titleBytesMax).contains(title.utf8.count) else { throw bad("title: 1...\(Self.titleBytesMax) bytes") }
        guard (0...Self.priorityMax).contains(priority) else { throw bad("priority: 0...\(Self.priorityMax)") }
        switch (kind, streamerShareBP) {
        case (.guard, nil): throw bad("streamer_share_bp: required for guards")
        case (.guard, let bp?): guard (0...10_000).contains(bp) else { throw bad("streamer_share_bp: 0...10000") }
        case (_, nil): break
        case (_, .some): throw bad("streamer_share_bp: only guards pay streamers")
        }
        guard (1...Self.tiersMax).contains(tiers.count) else { throw bad("tiers: 1...\(Self.tiersMax)") }
        var seen: Set<String> = []
        var previousRate: Price?
        for (i, t) in tiers.enumerated() {
            let at = "tiers[\(i)]"
            guard Self.isIdentifier(t.id) else { throw bad("\(at).id: 1-64 characters of a-z, 0-9, '-' and '_'") }
            guard seen.insert(t.id).inserted else { throw bad("\(at).id: '\(t.id)' appears twice") }
            guard (1...Self.titleBytesMax).contains(t.title.utf8.count) else { throw bad("\(at).title: 1...\(Self.titleBytesMax) bytes") }
            for (name, value) in [("badge", t.badge), ("entry_effect", t.entryEffect), ("vehicle", t.vehicle)] {
                if let value, !Self.isIdentifier(value) { throw bad("\(at).\(name): 1-64 characters of a-z, 0-9, '-' and '_'") }
            }
            if kind == .vehicle, t.vehicle == nil { throw bad("\(at).vehicle: required for vehicles") }
            if kind != .vehicle, t.vehicle != nil { throw bad("\(at).vehicle: only vehicles have one") }
            guard (1...Self.pricesMax).contains(t.prices.count) else { throw bad("\(at).prices: 1...\(Self.pricesMax)") }
            var days: Set<Int64> = []
            for (j, p) in t.prices.enumerated() {
                guard (1...Self.daysMax).contains(p.days) else { throw bad("\(at).prices[\(j)].days: 1...\(Self.daysMax)") }
                guard days.insert(p.days).inserted else { throw bad("\(at).prices[\(j)].days: \(p.days) appears twice") }
                guard (1...Self.priceCoinsMax).contains(p.coins) else { throw bad("\(at).prices[\(j)].coins: 1...\(Self.priceCoinsMax)") }
            }
            let rate = Self.dailyRate(t)
            if let previousRate, Self.less(rate, than: previousRate) {
                throw bad("\(at): its daily rate (\(rate.coins) coins / \(rate.days) days) is below the tier under it; rates may not fall as tiers rise")
            }
            previousRate = rate
        }
    }

    /// The tier's cheapest price per day, as the price that gives it.
    static func dailyRate(_ t: Tier) -> Price {
        t.prices.min(by: { less($0, than: $1) })!
    }

    /// Whether `a`'s coins per day are below `b`'s (exact: both sides are at most 3.7e13).
    static func less(_ a: Price, than b: Price) -> Bool {
        a.coins * b.days < b.coins * a.days
    }

    /// 1-64 characters of a-z, 0-9, '-' and '_'.
    public static func isIdentifier(_ s: String) -> Bool {
        let bytes = s.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { b in
            (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
        }
    }
}

/// What an operator sends to create or replace a product (`PUT /v1/admin/privileges/products/{id}`).
public struct PrivilegeProductEdit: Sendable, Codable, Equatable {
    public var kind: PrivilegeProduct.Kind
    public var title: String
    public var priority: Int64
    public var streamerShareBP: Int64?
    public var tiers: [PrivilegeProduct.Tier]

    public init(kind: PrivilegeProduct.Kind, title: String, priority: Int64, streamerShareBP: Int64? = nil, tiers: [PrivilegeProduct.Tier]) {
        self.kind = kind
        self.title = title
        self.priority = priority
        self.streamerShareBP = streamerShareBP
        self.tiers = tiers
    }

    /// The body's keys, top level and nested.
    public static let keys: Set<String> = ["kind", "title", "priority", "streamer_share_bp", "tiers"]
    public static let tierKeys: Set<String> = ["id", "title", "prices", "badge", "entry_effect", "vehicle"]
    public static let priceKeys: Set<String> = ["days", "coins"]

    enum CodingKeys: String, CodingKey {
        case kind, title, priority, tiers
        case streamerShareBP = "streamer_share_bp"
    }
}
