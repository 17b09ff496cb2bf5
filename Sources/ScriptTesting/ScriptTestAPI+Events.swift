import Books
import Engine
import Scripting

/// `events.*`: fake events. Each appends a real journal fact at the fake clock's time, shaped as
/// the server writes it, then runs the consumers (gift steps, activities, tasks) until they are
/// caught up. A handler that fails makes the call raise its error.
extension ScriptTestAPI {
    /// Fields of an event table: named, known, typed; a typo is an error at the test's line.
    struct Fields {
        let function: String
        let table: LuaTable

        init(_ call: borrowing LuaCall, _ n: Int, known: [String]) throws(ScriptArgumentError) {
            function = call.function
            table = try call.table(n)
            if !table.array.isEmpty {
                throw ScriptArgumentError(message: "\(function): fields are named (known: \(known.joined(separator: ", ")))")
            }
            if let unknown = table.fields.keys.sorted().first(where: { !known.contains($0) }) {
                throw ScriptArgumentError(message: "\(function): unknown field '\(unknown)' (known: \(known.joined(separator: ", ")))")
            }
        }

        func string(_ key: String, default fallback: String? = nil) throws(ScriptArgumentError) -> String {
            switch table.fields[key] {
            case .some(.string(let s)) where !s.isEmpty && s.utf8.count <= 128: return s
            case nil where fallback != nil: return fallback!
            case nil: throw ScriptArgumentError(message: "\(function): field '\(key)' is required")
            default: throw ScriptArgumentError(message: "\(function): field '\(key)' must be a string of 1...128 bytes")
            }
        }

        func integer(_ key: String, default fallback: Int64? = nil, min: Int64 = 1) throws(ScriptArgumentError) -> Int64 {
            switch table.fields[key] {
            case .some(let v) where v.integer != nil && v.integer! >= min: return v.integer!
            case nil where fallback != nil: return fallback!
            case nil: throw ScriptArgumentError(message: "\(function): field '\(key)' is required")
            default: throw ScriptArgumentError(message: "\(function): field '\(key)' must be an integer of at least \(min)")
            }
        }
    }

    /// Raises the failures of handlers that ran for the event.
    static func check(_ parked: [ParkedEvent], _ function: String) throws(ScriptArgumentError) {
        guard !parked.isEmpty else { return }
        let text = parked.map { "\($0.consumer) failed on \($0.type) #\($0.offset): \($0.error)" }.joined(separator: "; ")
        throw ScriptArgumentError(message: "\(function): \(text)")
    }

    /// Event types `events.emit` may append: every handled type but `gift` (`events.gift` builds its receipt).
    static let emittable = DeclarationSchemas.events.filter { $0 != GiftSender.giftType }

    static let giftType = """
        { sender_id: string, streamer_id: string, price_coins: integer, room_id?: string, gift_id?: string, count?: integer, \
        combo?: integer }
        """

    static let events: [HostFunction] = [
        HostFunction(
            "gift", scope: .table("events"),
            parameters: [.init("gift", giftType)],
            summary: "A durable gift send (the `gift` fact; value_coins = count * price_coins; no coins move). "
                + "Defaults: room_id \"room-1\", gift_id \"gift\", count 1, combo 1."
        ) { call in
            let f = try Fields(call, 1, known: ["sender_id", "streamer_id", "room_id", "gift_id", "count", "price_coins", "combo"])
            let g = TestGift(
                sender: try f.string("sender_id"), streamer: try f.string("streamer_id"), room: try f.string("room_id", default: "room-1"),
                gift: try f.string("gift_id", default: "gift"), count: try f.integer("count", default: 1),
                price: try f.integer("price_coins"), combo: try f.integer("combo", default: 1))
            guard !g.count.multipliedReportingOverflow(by: g.price).overflow else {
                throw ScriptArgumentError(message: "\(call.function): count * price_coins overflows")
            }
            try check(try session(call).perform(call.function) { engine in try await engine.gift(g) }, call.function)
        },
        HostFunction(
            "danmaku", scope: .table("events"), parameters: [.init("danmaku", "{ user_id: string, room?: string, text?: string }")],
            summary: "An accepted danmaku (the `danmaku` fact). Defaults: room \"room-1\", text \"hello\"."
        ) { call in
            let f = try Fields(call, 1, known: ["user_id", "room", "text"])
            let user = try f.string("user_id")
            let room = try f.string("room", default: "room-1")
            let text = try f.string("text", default: "hello")
            let parked = try session(call).perform(call.function) { engine in try await engine.danmaku(user: user, room: room, text: text) }
            try check(parked, call.function)
        },
        HostFunction(
            "watch", scope: .table("events"), parameters: [.init("watch", "{ user_id: string, room_id?: string, minutes?: integer }")],
            summary: "Minutes of watching (the `watch` fact). Defaults: room_id \"room-1\", minutes 1."
        ) { call in
            let f = try Fields(call, 1, known: ["user_id", "room_id", "minutes"])
            let payload: [String: LuaValue] = [
                "user_id": .string(try f.string("user_id")), "room_id": .string(try f.string("room_id", default: "room-1")),
                "minutes": .integer(try f.integer("minutes", default: 1)),
            ]
            try check(try session(call).perform(call.function) { engine in
                try await engine.append(type: "watch", payload: LuaValue.table(LuaTable(fields: payload)))
            }, call.function)
        },
        HostFunction(
            "tick", scope: .table("events"),
            summary: "The tick of the fake clock's minute (once per minute, as the server's ticker): "
                + "closes the periods that are over, ends the activities that are due."
        ) { call in
            try check(try session(call).perform(call.function) { engine in try await engine.tick() }, call.function)
        },
        HostFunction(
            "emit", scope: .table("events"), parameters: [.init("type", "string"), .init("payload", "table")],
            summary: "A fact of any other handled type (enter, follow, topup, task_completed, ...), with this payload."
        ) { call in
            let type = try call.string(1)
            guard emittable.contains(type) else {
                throw call.argumentError(1, "one of \(emittable.joined(separator: ", ")) expected, got '\(type)'")
            }
            let payload = LuaValue.table(try call.table(2))
            let parked = try session(call).perform(call.function) { engine in try await engine.append(type: type, payload: payload) }
            try check(parked, call.function)
        },
    ]
}
