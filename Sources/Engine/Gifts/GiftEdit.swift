import EngineCore
import Foundation
import Scripting

/// An operator's edit of a gift (`PUT /v1/admin/gifts/{id}`). Every field left out takes its
/// documented default, so a `PUT` always describes the whole gift:
/// split 50/10/40 (streamer/guild/platform), no effect asset, no combo, offered in all rooms,
/// at most `GiftRules.countMaxDefault` per send, no time window.
public struct GiftEdit: Sendable, Codable, Equatable {
    public var name: String
    public var priceCoins: Int64
    public var split: GiftSplit?
    public var effectAsset: String?
    public var comboWindowSeconds: Int64?
    /// Room ids; sets the scope to those rooms. Exclusive with `categories`.
    public var rooms: [String]?
    /// Room categories; sets the scope to those categories. Exclusive with `rooms`.
    public var categories: [String]?
    public var countMax: Int64?
    public var enabledFrom: Int64?
    public var enabledUntil: Int64?

    /// - Parameters: name and price are required; the rest default as documented.
    public init(
        name: String, priceCoins: Int64, split: GiftSplit? = nil, effectAsset: String? = nil,
        comboWindowSeconds: Int64? = nil, rooms: [String]? = nil, categories: [String]? = nil,
        countMax: Int64? = nil, enabledFrom: Int64? = nil, enabledUntil: Int64? = nil
    ) {
        self.name = name
        self.priceCoins = priceCoins
        self.split = split
        self.effectAsset = effectAsset
        self.comboWindowSeconds = comboWindowSeconds
        self.rooms = rooms
        self.categories = categories
        self.countMax = countMax
        self.enabledFrom = enabledFrom
        self.enabledUntil = enabledUntil
    }

    /// The JSON keys a `PUT` accepts.
    public static let keys: Set<String> = Set(CodingKeys.allCases.map(\.rawValue))

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, split, rooms, categories
        case priceCoins = "price_coins"
        case effectAsset = "effect_asset"
        case comboWindowSeconds = "combo_window_seconds"
        case countMax = "count_max"
        case enabledFrom = "enabled_from"
        case enabledUntil = "enabled_until"
    }
}

/// Limits and defaults of the gift catalog.
public enum GiftRules {
    /// Highest price of one gift, in coins.
    public static let priceCoinsMax: Int64 = 100_000_000
    /// Default and highest `count_max`.
    public static let countMaxDefault: Int64 = 9_999
    public static let countMaxLimit: Int64 = 100_000
    /// Longest combo window.
    public static let comboWindowSecondsMax: Int64 = 3_600
    /// Most rooms or categories in a scope.
    public static let scopeValuesMax = 1_000
    /// Longest name, in characters.
    public static let nameMax = 40

    /// The gift this edit describes, or the first problem.
    static func gift(id: String, _ e: GiftEdit, version: Int64, nowMillis: Int64, assets: Set<String>) throws(GiftError) -> Gift {
        guard Identifiers.isValid(id) else { throw .invalid(field: "id", "'\(id)' is not an id (1-64 of a-z 0-9 _ -)") }
        let name = e.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.contractLength <= nameMax else { throw .invalid(field: "name", "1-\(nameMax) characters") }
        guard e.priceCoins > 0, e.priceCoins <= priceCoinsMax else { throw .invalid(field: "price_coins", "1...\(priceCoinsMax)") }
        let split = e.split ?? .standard
        let parts = [split.streamerBasisPoints, split.guildBasisPoints, split.platformBasisPoints]
        // Each part is bounded before the sum, which cannot overflow then (a part near Int64.max
        // trapped the server).
        guard parts.allSatisfy({ (0...10_000).contains($0) }), parts.reduce(0, +) == 10_000 else {
            throw .invalid(field: "split", "basis points must be non-negative and sum to 10000")
        }
        if let asset = e.effectAsset, !assets.contains(asset) {
            throw .invalid(field: "effect_asset", "unknown asset '\(asset)' (known: \(assets.sorted().joined(separator: ", ")))")
        }
        let combo = e.comboWindowSeconds ?? 0
        guard (0...comboWindowSecondsMax).contains(combo) else { throw .invalid(field: "combo_window_seconds", "0...\(comboWindowSecondsMax)") }
        let countMax = e.countMax ?? countMaxDefault
        guard (1...countMaxLimit).contains(countMax) else { throw .invalid(field: "count_max", "1...\(countMaxLimit)") }
        if e.rooms != nil && e.categories != nil { throw .invalid(field: "rooms", "give rooms or categories, not both") }
        let scope: GiftScope = try scopeOf(e)
        if let from = e.enabledFrom, let until = e.enabledUntil, until <= from {
            throw .invalid(field: "enabled_until", "must be after enabled_from")
        }
        return Gift(
            id: id, version: version, name: name, priceCoins: e.priceCoins, split: split, effectAsset: e.effectAsset,
            comboWindowSeconds: combo, scope: scope, countMax: countMax, enabledFrom: e.enabledFrom,
            enabledUntil: e.enabledUntil, updatedAt: nowMillis)
    }

    private static func scopeOf(_ e: GiftEdit) throws(GiftError) -> GiftScope {
        let (kind, values): (GiftScope.Kind, [String]?) =
            e.rooms != nil ? (.rooms, e.rooms) : e.categories != nil ? (.categories, e.categories) : (.all, nil)
        guard let values else { return .everywhere }
        let field = kind == .rooms ? "rooms" : "categories"
        guard !values.isEmpty, values.count <= scopeValuesMax else { throw .invalid(field: field, "1-\(scopeValuesMax) entries") }
        guard values.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 64 }) else { throw .invalid(field: field, "entries are 1-64 bytes") }
        return GiftScope(kind: kind, values: Array(Set(values)).sorted())
    }
}
