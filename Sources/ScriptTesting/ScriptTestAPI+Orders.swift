import Books
import Engine
import EngineCore
import Scripting

extension ScriptTestAPI {
    /// Goods and orders, driven as their routes drive them.
    static let orders: [HostFunction] = [
        HostFunction(
            "goods", scope: .global, parameters: [.init("streamer", "string"), .init("goods", "table")], returns: ["integer"],
            summary: "Creates a streamer's good ({ title?, game?, region?, price_tickets, details?, stock? }) and answers its id."
        ) { call in
            let streamer = try call.string(1)
            let t = try call.table(2)
            call.return(.integer(try session(call).perform(call.function) { engine in try await engine.goods(streamer: streamer, t) }))
        },
        HostFunction(
            "order", scope: .global, parameters: [.init("viewer", "string"), .init("goods", "integer")],
            returns: ["table|false", "string?"],
            summary: "The viewer orders a good (its price held in tickets): the order, or false and the refusal's code "
                + "(insufficient_funds, out_of_stock, goods_not_found, ...)."
        ) { call in
            let viewer = try call.string(1)
            let goods = try call.integer(2)
            try orderCall(&call) { engine in try await engine.order(viewer: viewer, goods: goods) }
        },
        HostFunction(
            "order_action", scope: .global, parameters: [.init("order", "integer"), .init("action", "string"), .init("user", "string")],
            returns: ["table|false", "string?"],
            summary: "A user runs one of the machine's transitions on an order (its viewer or streamer as such, anyone else as an "
                + "operator): the order after it, or false and the refusal's code (order_state_conflict, actor_not_allowed, ...)."
        ) { call in
            let id = try call.integer(1)
            let action = try call.string(2)
            let user = try call.string(3)
            try orderCall(&call) { engine in try await engine.orderAction(id: id, action: action, user: user) }
        },
        HostFunction(
            "order_state", scope: .global, parameters: [.init("order", "integer")], returns: ["table"],
            summary: "An order now, at the fake clock (a due timeout fires first, as on every read)."
        ) { call in
            let id = try call.integer(1)
            try orderCall(&call) { engine in try await engine.order(id: id) }
        },
    ]

    static func orderCall(
        _ call: inout LuaCall, _ body: @escaping @Sendable (ScriptTestEngine) async throws -> (LuaValue, [ParkedEvent])
    ) throws {
        let s = try session(call)
        do {
            let (value, parked) = try s.perform(call.function, body)
            try check(parked, call.function)
            call.return(value)
        } catch let refusal as any ShowrunnerError {
            call.return(false)
            call.return(.string(refusal.code))
        }
    }
}
