import Engine
import EngineCore
import Scripting

/// Settlement in script tests: the `settlement_policy` run on a month given by hand, with the
/// host's checks (non-negative integers, guild parts that sum to the share).
extension ScriptTestAPI {
    static let settlement: [HostFunction] = [
        HostFunction(
            "settle_streamer", scope: .global, parameters: [.init("month", "table")],
            returns: ["{ base_salary: integer, bonus: integer, revenue_share: integer, subsidy: integer, total: integer, note: string? }"],
            summary: "Runs the policy's streamer function on a month as the close builds it ({ streamer_id, month, days, minutes, hours, "
                + "valid_days, revenue_by_source = { gifts, guards, orders, partner_games }, revenue, guild_id, exclusive, base_salary, "
                + "share_bp, guilds }; missing fields are zero, revenue is the sum of the sources, hours are minutes / 60)."
        ) { call in
            let month = try call.table(1)
            call.return(try session(call).perform(call.function) { engine in try engine.settleStreamer(month) })
        },
        HostFunction(
            "settle_guild", scope: .global, parameters: [.init("month", "table")],
            returns: ["{ share: integer, parts: table, summary: string? }"],
            summary: "Runs the policy's guild function on a month as the close builds it ({ guild_id, month, revenue, "
                + "revenue_by_source, members = { { streamer_id, days, revenue, exclusive, share_bp } } })."
        ) { call in
            let month = try call.table(1)
            call.return(try session(call).perform(call.function) { engine in try engine.settleGuild(month) })
        },
    ]
}

extension ScriptTestEngine {
    func policy() throws -> (SettlementPolicy, ScriptGeneration) {
        guard let generation = scripts.current else { throw RequestError("no_scripts", .conflict, "no generation is loaded") }
        return (try SettlementPolicy(generation), generation)
    }

    static func sources(_ t: LuaTable?) -> [String: Int64] {
        var out = Earnings.zero
        for (k, v) in t?.fields ?? [:] { out[k] = v.integer ?? 0 }
        return out
    }

    func settleStreamer(_ t: LuaTable) throws -> LuaValue {
        let (policy, generation) = try policy()
        let f = t.fields
        let bySource = Self.sources(f["revenue_by_source"]?.table)
        let minutes = f["minutes"]?.integer ?? (f["hours"]?.integer ?? 0) * 60
        let guilds = (f["guilds"]?.table?.array ?? []).compactMap(\.table).map {
            StreamerMonth.GuildPart(guildID: $0.fields["guild_id"]?.string ?? "", days: $0.fields["days"]?.integer ?? 0,
                revenue: $0.fields["revenue"]?.integer ?? 0)
        }
        let month = StreamerMonth(
            streamerID: f["streamer_id"]?.string ?? "s1", month: f["month"]?.string ?? "2026-10", days: f["days"]?.integer ?? 31,
            minutes: minutes, hours: minutes / 60, validDays: f["valid_days"]?.integer ?? 0, revenueBySource: bySource,
            revenue: f["revenue"]?.integer ?? bySource.values.reduce(0, +), guildID: f["guild_id"]?.string,
            exclusive: f["exclusive"] == .boolean(true), baseSalary: f["base_salary"]?.integer ?? 0, shareBP: f["share_bp"]?.integer ?? 0,
            guilds: guilds)
        let now = clock.nowMillis()
        let r = try generation.withTransactionVM { vm in try policy.streamer(month, vm: vm, now: now) }
        var out: [String: LuaValue] = [
            "base_salary": .integer(r.baseSalary), "bonus": .integer(r.bonus), "revenue_share": .integer(r.revenueShare),
            "subsidy": .integer(r.subsidy), "total": .integer(r.total ?? 0),
        ]
        if let note = r.note { out["note"] = .string(note) }
        return .table(LuaTable(fields: out))
    }

    func settleGuild(_ t: LuaTable) throws -> LuaValue {
        let (policy, generation) = try policy()
        let f = t.fields
        let bySource = Self.sources(f["revenue_by_source"]?.table)
        let members = (f["members"]?.table?.array ?? []).compactMap(\.table).map {
            GuildMonth.Member(streamerID: $0.fields["streamer_id"]?.string ?? "", days: $0.fields["days"]?.integer ?? 0,
                revenue: $0.fields["revenue"]?.integer ?? 0, exclusive: $0.fields["exclusive"] == .boolean(true),
                shareBP: $0.fields["share_bp"]?.integer ?? 0)
        }
        let month = GuildMonth(
            guildID: f["guild_id"]?.string ?? "g1", month: f["month"]?.string ?? "2026-10",
            revenue: f["revenue"]?.integer ?? bySource.values.reduce(0, +), revenueBySource: bySource, members: members)
        let now = clock.nowMillis()
        let r = try generation.withTransactionVM { vm in try policy.guild(month, vm: vm, now: now) }
        var out: [String: LuaValue] = ["share": .integer(r.share), "parts": .table(LuaTable(fields: r.parts.mapValues(LuaValue.integer)))]
        if let s = r.summary { out["summary"] = .string(s) }
        return .table(LuaTable(fields: out))
    }
}
