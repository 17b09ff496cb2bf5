import EngineCore
import Foundation
import Scripting

/// What the host hands the `settlement_policy` script for one streamer's month.
public struct StreamerMonth: Sendable, Codable, Equatable {
    public var streamerID: String
    public var month: String
    /// Days in the month.
    public var days: Int64
    public var minutes: Int64
    /// Whole hours live: `minutes / 60`, rounded down.
    public var hours: Int64
    public var validDays: Int64
    /// Revenue by source (every source).
    public var revenueBySource: [String: Int64]
    public var revenue: Int64
    /// The guild on the month's last covered day, if any.
    public var guildID: String?
    /// The contract on that day.
    public var exclusive: Bool
    public var baseSalary: Int64
    public var shareBP: Int64
    /// Per guild: the days of the month its contract covered and the revenue of those days.
    public var guilds: [GuildPart]

    /// One guild's part of a month.
    public struct GuildPart: Sendable, Codable, Equatable {
        public var guildID: String
        public var days: Int64
        public var revenue: Int64

        /// Memberwise. - Parameters: see the properties.
        package init(guildID: String, days: Int64, revenue: Int64) {
            self.guildID = guildID
            self.days = days
            self.revenue = revenue
        }

        enum CodingKeys: String, CodingKey {
            case days, revenue
            case guildID = "guild_id"
        }
    }

    /// Memberwise. - Parameters: see the properties.
    package init(
        streamerID: String, month: String, days: Int64, minutes: Int64, hours: Int64, validDays: Int64,
        revenueBySource: [String: Int64], revenue: Int64, guildID: String? = nil, exclusive: Bool, baseSalary: Int64,
        shareBP: Int64, guilds: [GuildPart]
    ) {
        self.streamerID = streamerID
        self.month = month
        self.days = days
        self.minutes = minutes
        self.hours = hours
        self.validDays = validDays
        self.revenueBySource = revenueBySource
        self.revenue = revenue
        self.guildID = guildID
        self.exclusive = exclusive
        self.baseSalary = baseSalary
        self.shareBP = shareBP
        self.guilds = guilds
    }

    enum CodingKeys: String, CodingKey {
        case month, days, minutes, hours, revenue, exclusive, guilds
        case streamerID = "streamer_id"
        case validDays = "valid_days"
        case revenueBySource = "revenue_by_source"
        case guildID = "guild_id"
        case baseSalary = "base_salary"
        case shareBP = "share_bp"
    }

    var lua: LuaValue {
        var fields: [String: LuaValue] = [
            "streamer_id": .string(streamerID), "month": .string(month), "days": .integer(days), "minutes": .integer(minutes),
            "hours": .integer(hours), "valid_days": .integer(validDays), "revenue": .integer(revenue),
            "revenue_by_source": .table(LuaTable(fields: revenueBySource.mapValues { .integer($0) })),
            "exclusive": .boolean(exclusive), "base_salary": .integer(baseSalary), "share_bp": .integer(shareBP),
            "guilds": .table(LuaTable(array: guilds.map {
                .table(LuaTable(fields: ["guild_id": .string($0.guildID), "days": .integer($0.days), "revenue": .integer($0.revenue)]))
            })),
        ]
        if let guildID { fields["guild_id"] = .string(guildID) }
        return .table(LuaTable(fields: fields))
    }
}

/// What the policy decided for a streamer: non-negative integers; the total is their sum.
public struct StreamerResult: Sendable, Codable, Equatable {
    public var baseSalary: Int64
    public var bonus: Int64
    public var revenueShare: Int64
    public var subsidy: Int64
    public var note: String?

    /// The parts, summed with checked arithmetic (`nil` on overflow).
    public var total: Int64? {
        var t: Int64 = 0
        for p in [baseSalary, bonus, revenueShare, subsidy] {
            let (s, o) = t.addingReportingOverflow(p)
            if o { return nil }
            t = s
        }
        return t
    }

    enum CodingKeys: String, CodingKey {
        case bonus, subsidy, note
        case baseSalary = "base_salary"
        case revenueShare = "revenue_share"
    }
}

/// What the host hands the policy for one guild's month.
public struct GuildMonth: Sendable, Codable, Equatable {
    public var guildID: String
    public var month: String
    /// The guild's own revenue: the gift shares its account received this month.
    public var revenue: Int64
    public var revenueBySource: [String: Int64]
    public var members: [Member]

    /// A member's part of the month with this guild.
    public struct Member: Sendable, Codable, Equatable {
        public var streamerID: String
        public var days: Int64
        /// The member's own revenue on the covered days.
        public var revenue: Int64
        public var exclusive: Bool
        public var shareBP: Int64

        /// Memberwise. - Parameters: see the properties.
        package init(streamerID: String, days: Int64, revenue: Int64, exclusive: Bool, shareBP: Int64) {
            self.streamerID = streamerID
            self.days = days
            self.revenue = revenue
            self.exclusive = exclusive
            self.shareBP = shareBP
        }

        enum CodingKeys: String, CodingKey {
            case days, revenue, exclusive
            case streamerID = "streamer_id"
            case shareBP = "share_bp"
        }
    }

    /// Memberwise. - Parameters: see the properties.
    package init(guildID: String, month: String, revenue: Int64, revenueBySource: [String: Int64], members: [Member]) {
        self.guildID = guildID
        self.month = month
        self.revenue = revenue
        self.revenueBySource = revenueBySource
        self.members = members
    }

    enum CodingKeys: String, CodingKey {
        case month, revenue, members
        case guildID = "guild_id"
        case revenueBySource = "revenue_by_source"
    }

    var lua: LuaValue {
        .table(LuaTable(fields: [
            "guild_id": .string(guildID), "month": .string(month), "revenue": .integer(revenue),
            "revenue_by_source": .table(LuaTable(fields: revenueBySource.mapValues { .integer($0) })),
            "members": .table(LuaTable(array: members.map {
                .table(LuaTable(fields: [
                    "streamer_id": .string($0.streamerID), "days": .integer($0.days), "revenue": .integer($0.revenue),
                    "exclusive": .boolean($0.exclusive), "share_bp": .integer($0.shareBP),
                ]))
            })),
        ]))
    }
}

/// What the policy decided for a guild: its share, split over its members (`parts`, which sum
/// exactly to `share`), and a summary line.
public struct GuildResult: Sendable, Codable, Equatable {
    public var share: Int64
    /// Streamer id → part of `share`; empty when the policy does not split it.
    public var parts: [String: Int64]
    public var summary: String?
}

/// Runs a generation's `settlement_policy`: one call per streamer and per guild, each on the
/// generation's budget; results are checked (non-negative integers, parts that sum to the
/// whole). Any failure is a `ScriptFailure` naming `path:line`.
public struct SettlementPolicy {
    /// Largest amount a policy may return for one part.
    public static let amountMax: Int64 = 1_000_000_000_000_000
    /// Longest note or summary kept, in bytes.
    public static let noteBytesMax = 500

    public let declaration: Declaration
    let generation: ScriptGeneration

    /// The generation's policy: exactly one `settlement_policy` must be declared.
    /// - Throws: `RequestError` 409 `no_settlement_policy` / `several_settlement_policies`.
    public init(_ generation: ScriptGeneration) throws {
        let policies = generation.declarations.filter { $0.kind == .settlementPolicy }
        guard let first = policies.first else { throw RequestError("no_settlement_policy", .conflict, "the scripts declare no settlement_policy") }
        guard policies.count == 1 else {
            throw RequestError("several_settlement_policies", .conflict,
                "the scripts declare \(policies.count) settlement policies (\(policies.map(\.id).joined(separator: ", "))); keep one")
        }
        self.declaration = first
        self.generation = generation
    }

    /// Minutes of continuous live that make a valid day (`valid_day_minutes`).
    public var validDayMinutes: Int64 { declaration.data.fields["valid_day_minutes"]?.integer ?? Earnings.validDayMinutesDefault }

    var path: String { "Scripts/\(declaration.path)" }

    func context(now: Int64) -> CallContext {
        CallContext(script: declaration.address, nowMillis: now, seed: 0, config: declaration.data.fields["config"]?.table ?? LuaTable())
    }

    func bad(_ detail: String) -> ScriptFailure { ScriptFailure(.badResult, path: path, detail: detail) }

    func amount(_ t: LuaTable, _ key: String, _ fn: String) throws(ScriptFailure) -> Int64 {
        guard let v = t.fields[key] else { return 0 }
        if case .nil = v { return 0 }
        guard case .integer(let n) = v, (0...Self.amountMax).contains(n) else {
            throw bad("\(fn) must return '\(key)' as an integer 0...\(Self.amountMax) (round explicitly, e.g. with //)")
        }
        return n
    }

    func note(_ t: LuaTable, _ key: String) -> String? {
        t.fields[key]?.string.map { String(decoding: $0.utf8.prefix(Self.noteBytesMax), as: UTF8.self) }
    }

    /// Settles one streamer's month.
    public func streamer(_ month: StreamerMonth, vm: LuaVM, now: Int64) throws(ScriptFailure) -> StreamerResult {
        guard declaration.handlers.contains("streamer") else {
            return StreamerResult(baseSalary: 0, bonus: 0, revenueShare: month.revenue, subsidy: 0, note: nil)
        }
        let ctx = context(now: now)
        let out = try vm.call(declaration.address, "streamer", args: [month.lua], context: ctx, results: 1)
        guard ctx.effects.isEmpty else { throw bad("streamer asked for effects (ctx.grant, ctx.notify, ...): a policy only returns amounts") }
        guard let t = out.first?.table else { throw bad("streamer must return a table { base_salary, bonus, revenue_share, subsidy }") }
        let r = StreamerResult(
            baseSalary: try amount(t, "base_salary", "streamer"), bonus: try amount(t, "bonus", "streamer"),
            revenueShare: try amount(t, "revenue_share", "streamer"), subsidy: try amount(t, "subsidy", "streamer"), note: note(t, "note"))
        guard let total = r.total else { throw bad("streamer's parts overflow when summed") }
        if let v = t.fields["total"], v != .nil, v.integer != total {
            throw bad("streamer returned total \(v.integer.map(String.init) ?? v.typeName) but its parts sum to \(total)")
        }
        return r
    }

    /// Settles one guild's month.
    public func guild(_ month: GuildMonth, vm: LuaVM, now: Int64) throws(ScriptFailure) -> GuildResult {
        guard declaration.handlers.contains("guild") else { return GuildResult(share: month.revenue, parts: [:], summary: nil) }
        let ctx = context(now: now)
        let out = try vm.call(declaration.address, "guild", args: [month.lua], context: ctx, results: 1)
        guard ctx.effects.isEmpty else { throw bad("guild asked for effects (ctx.grant, ctx.notify, ...): a policy only returns amounts") }
        guard let t = out.first?.table else { throw bad("guild must return a table { share, parts, summary }") }
        let share = try amount(t, "share", "guild")
        var parts: [String: Int64] = [:]
        if let p = t.fields["parts"], p != .nil {
            guard let pt = p.table, pt.array.isEmpty else { throw bad("guild's parts must be a table streamer_id = amount") }
            let members = Set(month.members.map(\.streamerID))
            var sum: Int64 = 0
            for (k, v) in pt.fields {
                guard members.contains(k) else { throw bad("guild's parts name '\(k)', who is not a member this month") }
                guard case .integer(let n) = v, (0...Self.amountMax).contains(n) else { throw bad("guild's part for '\(k)' must be an integer 0...\(Self.amountMax)") }
                let (next, overflow) = sum.addingReportingOverflow(n)
                guard !overflow else { throw bad("guild's parts overflow when summed") }
                sum = next
                parts[k] = n
            }
            guard sum == share else { throw bad("guild's parts sum to \(sum), not its share \(share)") }
        }
        return GuildResult(share: share, parts: parts, summary: note(t, "summary"))
    }
}
