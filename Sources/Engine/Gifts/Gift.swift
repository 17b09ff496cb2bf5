/// A gift viewers can send: its price, how the coins are split, where it is offered.
public struct Gift: Sendable, Codable, Equatable {
    /// Stable id, 1–64 of `a-z 0-9 _ -`.
    public var id: String
    /// Catalog version, incremented by every edit (starts at 1).
    public var version: Int64
    /// Display name.
    public var name: String
    /// Price of one gift in coins (minor units).
    public var priceCoins: Int64
    /// How the value is split between streamer, guild and platform.
    public var split: GiftSplit
    /// Asset the effect grants besides the split (e.g. `tickets` for a ticket-exchange gift), if any.
    public var effectAsset: String?
    /// Seconds within which repeated sends of this gift by one viewer count as a combo; 0 = none.
    public var comboWindowSeconds: Int64
    /// Where it is offered.
    public var scope: GiftScope
    /// Most gifts in one send.
    public var countMax: Int64
    /// Offered from this time (ms since the epoch), if set.
    public var enabledFrom: Int64?
    /// Offered until this time (ms, exclusive), if set.
    public var enabledUntil: Int64?
    /// Last edit, ms since the epoch.
    public var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, version, name, split, scope
        case priceCoins = "price_coins"
        case effectAsset = "effect_asset"
        case comboWindowSeconds = "combo_window_seconds"
        case countMax = "count_max"
        case enabledFrom = "enabled_from"
        case enabledUntil = "enabled_until"
        case updatedAt = "updated_at"
    }

    /// Whether the gift is offered in `room` at `nowMillis`.
    public func isOffered(roomID: String, category: String, nowMillis: Int64) -> Bool {
        if let from = enabledFrom, nowMillis < from { return false }
        if let until = enabledUntil, nowMillis >= until { return false }
        switch scope.kind {
        case .all: return true
        case .rooms: return scope.values.contains(roomID)
        case .categories: return scope.values.contains(category)
        }
    }
}

/// The split of a gift's value in basis points (summing to 10,000). The streamer and guild
/// shares are rounded down; the platform takes the remainder, so nothing is lost or created.
/// When the streamer has a guild contract on the gift's day, the contract's rate divides the
/// streamer and guild parts between them instead (`amounts(of:guildShareBP:)`).
public struct GiftSplit: Sendable, Codable, Equatable {
    public var streamerBasisPoints: Int64
    public var guildBasisPoints: Int64
    public var platformBasisPoints: Int64

    /// The default: streamer 50%, guild 10%, platform 40%.
    public static let standard = GiftSplit(streamerBasisPoints: 5_000, guildBasisPoints: 1_000, platformBasisPoints: 4_000)

    /// - Parameters: streamer, guild and platform shares in basis points.
    public init(streamerBasisPoints: Int64, guildBasisPoints: Int64, platformBasisPoints: Int64) {
        self.streamerBasisPoints = streamerBasisPoints
        self.guildBasisPoints = guildBasisPoints
        self.platformBasisPoints = platformBasisPoints
    }

    /// The three amounts for a total, the rounding remainder going to the platform.
    public func amounts(of total: Int64) -> (streamer: Int64, guild: Int64, platform: Int64) {
        let streamer = Self.share(total, streamerBasisPoints)
        let guild = Self.share(total, guildBasisPoints)
        return (streamer, guild, total - streamer - guild)
    }

    /// The three amounts for a total when the streamer has a guild contract that day: the
    /// platform fee is the catalog split's; the guild takes `guildShareBP` (0...10,000) of the
    /// rest (the catalog's streamer and guild parts together), rounded down, and the streamer
    /// keeps the remainder, so the three still sum to the total. Without a contract (`nil`), the
    /// catalog's split as `amounts(of:)` gives it.
    public func amounts(of total: Int64, guildShareBP: Int64?) -> (streamer: Int64, guild: Int64, platform: Int64) {
        let split = amounts(of: total)
        guard let guildShareBP else { return split }
        let bp = min(max(guildShareBP, 0), 10_000)
        let part = split.streamer + split.guild  // ≤ total
        let guild = Self.share(part, bp)
        return (part - guild, guild, split.platform)
    }

    private static func share(_ total: Int64, _ bp: Int64) -> Int64 {
        // total ≤ Int64.max / 10_000 is enforced by the catalog's price and count limits.
        total / 10_000 * bp + (total % 10_000) * bp / 10_000
    }

    enum CodingKeys: String, CodingKey {
        case streamerBasisPoints = "streamer_bp"
        case guildBasisPoints = "guild_bp"
        case platformBasisPoints = "platform_bp"
    }
}

/// Where a gift is offered.
public struct GiftScope: Sendable, Codable, Equatable {
    /// Everywhere, in listed rooms, or in listed room categories.
    public enum Kind: String, Sendable, Codable { case all, rooms, categories }
    public var kind: Kind
    /// Room ids or categories, per `kind`.
    public var values: [String]

    /// Offered in every room.
    public static let everywhere = GiftScope(kind: .all, values: [])

    public init(kind: Kind, values: [String]) {
        self.kind = kind
        self.values = values
    }
}
