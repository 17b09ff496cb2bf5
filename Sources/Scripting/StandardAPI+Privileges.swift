extension HostAPI {
    /// Reads a `ctx` privilege read's string argument: a user id (1...128 bytes).
    static func userArgument(_ call: borrowing LuaCall, _ n: Int) throws(ScriptArgumentError) -> String {
        let s = try call.string(n)
        guard !s.isEmpty, s.utf8.count <= 128 else { throw call.argumentError(n, "must be 1...128 bytes") }
        return s
    }

    /// Runs a privilege read against the handler's store, its errors as the script's.
    static func privilegeRead(_ call: borrowing LuaCall, _ read: (any ScriptReads, Int64) throws -> LuaValue) throws(ScriptArgumentError) -> LuaValue {
        let ctx = try requireContext(call)
        guard let reads = ctx.reads else { throw ScriptArgumentError(message: "ctx.\(call.function): no store in this context") }
        do { return try read(reads, ctx.nowMillis) } catch let e as ScriptArgumentError { throw e } catch {
            throw ScriptArgumentError(message: "ctx.\(call.function): \(error)")
        }
    }

    static let contextPrivileges: [HostFunction] = [
        HostFunction(
            "fan_medal", scope: .ctx, parameters: [.init("viewer", "string"), .init("streamer", "string")],
            returns: ["{ level: integer, points: integer, today: integer }?"],
            summary: "viewer's fan medal of streamer (today: points earned this operations day), or nil."
        ) { call in
            let viewer = try userArgument(call, 1)
            let streamer = try userArgument(call, 2)
            call.return(try privilegeRead(call) { reads, now in try reads.fanMedal(viewer: viewer, streamer: streamer, now: now) })
        },
        HostFunction(
            "guard", scope: .ctx, parameters: [.init("viewer", "string"), .init("streamer", "string")],
            returns: ["{ tier: string, rank: integer, product: string, expires_at: integer }?"],
            summary: "The guard viewer holds for streamer now (rank 1 = lowest tier), or nil."
        ) { call in
            let viewer = try userArgument(call, 1)
            let streamer = try userArgument(call, 2)
            call.return(try privilegeRead(call) { reads, now in try reads.guardHeld(viewer: viewer, streamer: streamer, now: now) })
        },
        HostFunction(
            "vip", scope: .ctx, parameters: [.init("user", "string"), .init("line", "string")],
            returns: ["{ tier: string, rank: integer, expires_at: integer }?"],
            summary: "The tier of VIP line `line` (a product id) that user holds now, or nil."
        ) { call in
            let user = try userArgument(call, 1)
            let line = try userArgument(call, 2)
            call.return(try privilegeRead(call) { reads, now in try reads.vip(user: user, line: line, now: now) })
        },
        HostFunction(
            "privileges", scope: .ctx, parameters: [.init("user", "string")],
            returns: ["{ product: string, kind: string, tier: string, rank: integer, streamer_id: string?, expires_at: integer }[]"],
            summary: "Every privilege user holds now (kind: vip, guard or vehicle)."
        ) { call in
            let user = try userArgument(call, 1)
            call.return(try privilegeRead(call) { reads, now in try reads.privileges(user: user, now: now) })
        },
        HostFunction(
            "fan_points", scope: .ctx,
            parameters: [.init("viewer", "string"), .init("streamer", "string"), .init("points", "integer"),
                .init("rule", "{ daily_cap: integer, levels: integer[] }?")],
            summary: "Adds intimacy points to viewer's fan medal of streamer (created on the first point), at most daily_cap "
                + "a day per streamer; levels[i] is the points level i needs (ascending). Without rule, the declaration's "
                + "config gives daily_cap and levels. Applied when the handler succeeds."
        ) { call in
            let viewer = try userArgument(call, 1)
            let streamer = try userArgument(call, 2)
            guard viewer != streamer else { throw call.argumentError(2, "a streamer has no medal of themselves") }
            let points = try call.integer(3)
            guard (1...FanMedalRule.pointsMax).contains(points) else { throw call.argumentError(3, "points must be 1...\(FanMedalRule.pointsMax)") }
            let context = try requireContext(call)
            // Without a rule, the declaration's config is the rule: read from the Swift value the
            // context already holds, so no table crosses from Lua for every gift.
            let parsed = call.isAbsent(4)
                ? try fanRule(context.config, from: "config", onlyRuleKeys: false, call: call)
                : try fanRule(try call.table(4), from: "rule", onlyRuleKeys: true, call: call)
            try context.add(.fanPoints(viewer: viewer, streamer: streamer, points: points, rule: parsed))
        },
    ]

    /// A fan-points rule (`daily_cap`, `levels`) read from a table, with errors naming `from`
    /// (`rule`, the 4th argument, or `config`, the declaration's). With `onlyRuleKeys` (a rule
    /// table) any other key is an error; a config holds other parameters too.
    static func fanRule(_ rule: LuaTable, from: String, onlyRuleKeys: Bool, call: borrowing LuaCall) throws -> FanMedalRule {
        guard let cap = rule.fields["daily_cap"]?.integer, (1...FanMedalRule.pointsMax).contains(cap) else {
            throw call.argumentError(4, "\(from).daily_cap must be an integer 1...\(FanMedalRule.pointsMax)")
        }
        guard let list = rule.fields["levels"]?.table, list.fields.isEmpty, (1...FanMedalRule.levelsMax).contains(list.array.count) else {
            throw call.argumentError(4, "\(from).levels must be a list of 1...\(FanMedalRule.levelsMax) integers")
        }
        var levels: [Int64] = []
        levels.reserveCapacity(list.array.count)
        for v in list.array {
            guard let n = v.integer, (1...FanMedalRule.pointsMax).contains(n), n > (levels.last ?? 0) else {
                throw call.argumentError(4, "\(from).levels must be ascending integers 1...\(FanMedalRule.pointsMax)")
            }
            levels.append(n)
        }
        guard !onlyRuleKeys || (rule.fields.keys.allSatisfy({ $0 == "daily_cap" || $0 == "levels" }) && rule.array.isEmpty) else {
            throw call.argumentError(4, "rule has only daily_cap and levels")
        }
        return FanMedalRule(dailyCap: cap, levels: levels)
    }
}

