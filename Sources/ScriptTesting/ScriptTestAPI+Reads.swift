import Engine
import EngineCore
import Scripting

/// Reads and user actions of script tests, on the case's engine.
extension ScriptTestAPI {
    static let row = "{ rank: integer, member: string, score: integer }"

    static let reads: [HostFunction] = [
        HostFunction(
            "leaderboard", scope: .global,
            parameters: [.init("activity", "string"), .init("board", "string"), .init("period", "string?")],
            returns: ["\(row)[]"],
            summary: "The top 100 of an activity's board, in the current period at the fake clock or a named one (\"2027-01-20\")."
        ) { call in
            let activity = try call.string(1)
            let board = try call.string(2)
            let period = try call.optionalString(3)
            call.return(try session(call).perform(call.function) { engine in
                try engine.leaderboard(activity: activity, board: board, period: period)
            })
        },
        HostFunction(
            "activity_detail", scope: .global, parameters: [.init("activity", "string")], returns: ["table"],
            summary: "What GET /v1/activities/{id} shows: live, window, boards, and the published odds of chests and wheels."
        ) { call in
            let activity = try call.string(1)
            call.return(try session(call).perform(call.function) { engine in try engine.activityDetail(activity) })
        },
        HostFunction(
            "balance", scope: .global, parameters: [.init("user", "string"), .init("asset", "string")], returns: ["integer"],
            summary: "A user's balance of an asset."
        ) { call in
            let user = try call.string(1)
            let asset = try call.string(2)
            call.return(.integer(try session(call).perform(call.function) { engine in try await engine.balance(user: user, asset: asset) }))
        },
        HostFunction(
            "task", scope: .global, parameters: [.init("user", "string"), .init("task", "string")],
            returns: ["{ progress: integer, period: string, stages: { stage: integer, goal: integer, state: string }[] }"],
            summary: "A user's task in the current period: progress and each stage's state (in_progress, claimable, claimed)."
        ) { call in
            let user = try call.string(1)
            let task = try call.string(2)
            call.return(try session(call).perform(call.function) { engine in try await engine.task(user: user, id: task) })
        },
        HostFunction(
            "claim", scope: .global, parameters: [.init("user", "string"), .init("task", "string"), .init("stage", "integer")],
            returns: ["boolean", "string?"],
            summary: "Claims a stage as the user would: true, or false and the refusal's code (stage_not_reached, already_claimed, ...)."
        ) { call in
            let user = try call.string(1)
            let task = try call.string(2)
            let stage = try call.integer(3)
            guard let n = Int(exactly: stage) else { throw call.argumentError(3, "stage out of range") }
            let s = try session(call)
            do {
                try s.perform(call.function) { engine in try await engine.claim(user: user, task: task, stage: n) }
                call.return(true)
            } catch let refusal as any ShowrunnerError {
                call.return(false)
                call.return(.string(refusal.code))
            }
        },
        HostFunction(
            "spin", scope: .global,
            parameters: [.init("user", "string"), .init("activity", "string"), .init("wheel", "string"), .init("key", "string")],
            returns: ["table|false", "string?"],
            summary: "Spins a wheel as the user would: the outcome { draw, reward = { kind, name, amount }, cost, asset, balances }, "
                + "or false and the refusal's code."
        ) { call in
            let user = try call.string(1)
            let activity = try call.string(2)
            let wheel = try call.string(3)
            let key = try call.string(4)
            let s = try session(call)
            do {
                call.return(try s.perform(call.function) { engine in
                    try await engine.spin(user: user, activity: activity, wheel: wheel, key: key)
                })
            } catch let refusal as any ShowrunnerError {
                call.return(false)
                call.return(.string(refusal.code))
            }
        },
        HostFunction(
            "gate", scope: .global,
            parameters: [.init("template", "string"), .init("viewer", "string"), .init("streamer", "string"), .init("params", "table")],
            returns: ["boolean", "string?"],
            summary: "Runs a queue gate template for a viewer at a streamer's queue: true, or false and the reason. "
                + "Params are checked as PUT /v1/rooms/{room}/queue checks them (a bad one is an error)."
        ) { call in
            let template = try call.string(1)
            let viewer = try call.string(2)
            let streamer = try call.string(3)
            let params = try call.table(4)
            let verdict = try session(call).perform(call.function) { engine in
                try await engine.gate(template: template, viewer: viewer, streamer: streamer, params: params)
            }
            switch verdict {
            case .admitted: call.return(true)
            case .refused(let reason):
                call.return(false)
                call.return(.string(reason))
            }
        },
        HostFunction(
            "follow", scope: .global, parameters: [.init("viewer", "string"), .init("streamer", "string")],
            summary: "The viewer follows the streamer (journals `follow` and runs the consumers, as the route does)."
        ) { call in
            let viewer = try call.string(1)
            let streamer = try call.string(2)
            let parked = try session(call).perform(call.function) { engine in try await engine.follow(viewer: viewer, streamer: streamer) }
            try check(parked, call.function)
        },
        HostFunction(
            "privilege_product", scope: .global, parameters: [.init("id", "string"), .init("product", "table")],
            summary: "Creates or replaces a privilege product, as PUT /v1/admin/privileges/products/{id} does "
                + "({ kind, title, priority, streamer_share_bp?, tiers = { { id, title, prices = { { days, coins } } } } })."
        ) { call in
            let id = try call.string(1)
            let product = try call.table(2)
            try session(call).perform(call.function) { engine in try await engine.privilegeProduct(id: id, product) }
        },
        HostFunction(
            "buy_privilege", scope: .global,
            parameters: [.init("user", "string"), .init("product", "string"), .init("tier", "string"), .init("days", "integer"),
                .init("streamer", "string?")],
            returns: ["boolean", "string?"],
            summary: "Buys a privilege as the user would (coins from their balance; a guard for streamer): true, "
                + "or false and the refusal's code (insufficient_funds, lower_tier_active, ...)."
        ) { call in
            let user = try call.string(1)
            let product = try call.string(2)
            let tier = try call.string(3)
            let days = try call.integer(4)
            let streamer = try call.optionalString(5)
            let s = try session(call)
            do {
                let parked = try s.perform(call.function) { engine in
                    try await engine.buyPrivilege(user: user, product: product, tier: tier, days: days, streamer: streamer)
                }
                try check(parked, call.function)
                call.return(true)
            } catch let refusal as any ShowrunnerError {
                call.return(false)
                call.return(.string(refusal.code))
            }
        },
        HostFunction(
            "fan_medal", scope: .global, parameters: [.init("viewer", "string"), .init("streamer", "string")],
            returns: ["{ level: integer, points: integer, today: integer }?"],
            summary: "A viewer's fan medal of a streamer, as ctx.fan_medal reads it at the fake clock, or nil."
        ) { call in
            let viewer = try call.string(1)
            let streamer = try call.string(2)
            call.return(try session(call).perform(call.function) { engine in try await engine.fanMedal(viewer: viewer, streamer: streamer) })
        },
        HostFunction(
            "inventory", scope: .global, parameters: [.init("user", "string")],
            returns: ["{ badges: string[], items: table<string, integer> }"], summary: "A user's badges and items."
        ) { call in
            let user = try call.string(1)
            call.return(try session(call).perform(call.function) { engine in try await engine.inventory(user: user) })
        },
        HostFunction(
            "journal", scope: .global, parameters: [.init("type", "string")], returns: ["table[]"],
            summary: "The payloads of every journal fact of a type, oldest first "
                + "(chest_opened, wheel_spun, task_completed, notice, room_event, script.<type>, ...)."
        ) { call in
            let type = try call.string(1)
            call.return(try session(call).perform(call.function) { engine in try await engine.journal(type: type) })
        },
        HostFunction(
            "grant", scope: .global, parameters: [.init("user", "string"), .init("asset", "string"), .init("amount", "integer")],
            summary: "Gives a user an amount of an asset from the promotions account (e.g. coins to spin with)."
        ) { call in
            let user = try call.string(1)
            let asset = try call.string(2)
            let amount = try positive(call, 3)
            try session(call).perform(call.function) { engine in try await engine.grant(user: user, asset: asset, amount: amount) }
        },
    ]

    static func positive(_ call: borrowing LuaCall, _ n: Int) throws(ScriptArgumentError) -> Int64 {
        let v = try call.integer(n)
        guard v > 0 else { throw call.argumentError(n, "amount must be positive, got \(v)") }
        return v
    }
}
