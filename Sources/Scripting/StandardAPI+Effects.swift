extension HostAPI {
    /// Longest memo, notice or event type a script may send, in UTF-8 bytes.
    static let effectTextMax = 500

    static func text(_ call: borrowing LuaCall, _ n: Int, max: Int = effectTextMax) throws(ScriptArgumentError) -> String {
        let s = try call.string(n)
        guard s.utf8.count <= max else { throw call.argumentError(n, "longer than \(max) bytes") }
        return s
    }

    static func positive(_ call: borrowing LuaCall, _ n: Int) throws(ScriptArgumentError) -> Int64 {
        let v = try call.integer(n)
        guard v > 0 else { throw call.argumentError(n, "amount must be positive, got \(v)") }
        return v
    }

    static let contextEffects: [HostFunction] = [
        HostFunction(
            "grant", scope: .ctx,
            parameters: [.init("user", "string"), .init("asset", "string"), .init("amount", "integer"), .init("memo", "string")],
            summary: "Grants an asset to a user from the promotions account (applied if the handler succeeds)."
        ) { call in
            let user = try call.string(1)
            let asset = try call.string(2)
            let amount = try positive(call, 3)
            let memo = try text(call, 4)
            try requireContext(call).add(.grant(user: user, asset: asset, amount: amount, memo: memo))
        },
        HostFunction(
            "progress", scope: .ctx, parameters: [.init("user", "string"), .init("n", "integer")],
            summary: "Advances the calling task for a user by n."
        ) { call in
            let user = try call.string(1)
            let n = try positive(call, 2)
            try requireContext(call).add(.progress(user: user, amount: n))
        },
        HostFunction(
            "notify", scope: .ctx, parameters: [.init("user", "string"), .init("text", "string")],
            summary: "Sends a notice to one user."
        ) { call in
            let user = try call.string(1)
            let t = try text(call, 2)
            try requireContext(call).add(.notify(user: user, text: t))
        },
        HostFunction(
            "broadcast", scope: .ctx, parameters: [.init("room", "string"), .init("event", "table")],
            summary: "Publishes an event to a room."
        ) { call in
            let room = try call.string(1)
            let event = try call.table(2)
            try requireContext(call).add(.broadcast(room: room, event: .table(event)))
        },
        HostFunction(
            "emit", scope: .ctx, parameters: [.init("type", "string"), .init("payload", "table")],
            summary: "Appends a custom fact to the journal."
        ) { call in
            let type = try text(call, 1, max: 64)
            let payload = try call.table(2)
            try requireContext(call).add(.emit(type: type, payload: .table(payload)))
        },
        HostFunction(
            "show_order", scope: .ctx, parameters: [.init("text", "string?")],
            summary: "In an order machine's on_transition: sends an `order` frame about this order to its streamer's rooms."
        ) { call in
            let t = try call.optionalString(1)
            if let t, t.utf8.count > effectTextMax { throw call.argumentError(1, "longer than \(effectTextMax) bytes") }
            try requireContext(call).add(.orderFrame(text: t))
        },
        HostFunction("log", scope: .ctx, parameters: [.init("...", "any")], summary: "Logs a line with the script's name.") { call in
            var parts: [String] = []
            for i in 0..<call.count { parts.append(try call.value(i + 1).logText) }
            try requireContext(call).log(parts.joined(separator: " "))
        },
    ]
}
