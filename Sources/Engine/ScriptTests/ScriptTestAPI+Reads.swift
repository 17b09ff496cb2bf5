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
