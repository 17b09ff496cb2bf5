import EngineCore
import Foundation

/// Something a task stage, a chest, a wheel or a prize pays: a ledger asset, a badge or an item.
///
/// Scripts write rewards as short lists: `{ "coins", 10 }` (any ledger asset and a positive
/// amount), `{ "badge", "generous" }`, `{ "item", "rose-voucher", 3 }` (count optional, default 1).
public enum Reward: Sendable, Hashable, Encodable {
    case asset(String, Int64)
    case badge(String)
    case item(String, Int64)

    /// Parses the script form; nil with a reason when malformed.
    public static func parse(_ value: LuaValue) -> Result<Reward, RewardError> {
        guard let list = value.table?.array, let kind = list.first?.string else {
            return .failure(RewardError("a reward is { kind, amount_or_name }, e.g. { \"coins\", 10 }"))
        }
        switch kind {
        case "badge":
            guard list.count == 2, let name = list[1].string, Self.isName(name) else {
                return .failure(RewardError("{ \"badge\", name }: name must be 1...64 of a-z 0-9 _ -"))
            }
            return .success(.badge(name))
        case "item":
            guard (2...3).contains(list.count), let name = list[1].string, Self.isName(name) else {
                return .failure(RewardError("{ \"item\", name, count? }: name must be 1...64 of a-z 0-9 _ -"))
            }
            let n = list.count == 3 ? list[2].integer : 1
            guard let n, n > 0 else { return .failure(RewardError("{ \"item\", name, count }: count must be a positive integer")) }
            return .success(.item(name, n))
        default:
            guard list.count == 2, let amount = list[1].integer, amount > 0 else {
                return .failure(RewardError("{ \"\(kind)\", amount }: amount must be a positive integer"))
            }
            return .success(.asset(kind, amount))
        }
    }

    static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 64 && s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
    }

    enum CodingKeys: String, CodingKey { case kind, asset, amount, name, count }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .asset(let asset, let amount):
            try c.encode("asset", forKey: .kind)
            try c.encode(asset, forKey: .asset)
            try c.encode(amount, forKey: .amount)
        case .badge(let name):
            try c.encode("badge", forKey: .kind)
            try c.encode(name, forKey: .name)
        case .item(let name, let count):
            try c.encode("item", forKey: .kind)
            try c.encode(name, forKey: .name)
            try c.encode(count, forKey: .count)
        }
    }

    /// As the script form.
    public var luaValue: LuaValue {
        switch self {
        case .asset(let a, let n): .table(LuaTable(array: [.string(a), .integer(n)]))
        case .badge(let b): .table(LuaTable(array: [.string("badge"), .string(b)]))
        case .item(let i, let n): .table(LuaTable(array: [.string("item"), .string(i), .integer(n)]))
        }
    }
}

/// A malformed reward.
public struct RewardError: ShowrunnerError, Equatable {
    public let code = "invalid_reward"
    public let kind = ErrorKind.unprocessable
    public let message: String
    init(_ message: String) { self.message = message }
}

/// A reward with its weight, for chests and wheels.
public struct WeightedReward: Sendable, Hashable, Encodable {
    public let reward: Reward
    public let weight: Int64

    /// Picks by a uniform draw in 1...total weight.
    package static func pick(_ list: [WeightedReward], draw: Int64) -> WeightedReward? {
        var left = draw
        for r in list {
            if left <= r.weight { return r }
            left -= r.weight
        }
        return nil
    }

    /// Parses `{ { weight = 70, reward = { "coins", 10 } }, ... }`.
    package static func parseList(_ value: LuaValue?) -> Result<[WeightedReward], RewardError> {
        guard let rows = value?.table?.array, !rows.isEmpty else { return .failure(RewardError("rewards: at least one")) }
        var out: [WeightedReward] = []
        for (i, row) in rows.enumerated() {
            guard let w = row["weight"].integer, w > 0, w <= 1_000_000_000 else {
                return .failure(RewardError("rewards[\(i + 1)].weight must be 1...1000000000"))
            }
            switch Reward.parse(row["reward"]) {
            case .success(let r): out.append(WeightedReward(reward: r, weight: w))
            case .failure(let e): return .failure(RewardError("rewards[\(i + 1)].reward: \(e.message)"))
            }
        }
        return .success(out)
    }
}
