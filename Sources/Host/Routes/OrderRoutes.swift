import Engine
import EngineCore
import Hummingbird

/// Help me play, orders: a viewer orders a good (its price held in tickets), the order's parties
/// act on it through one path whose rules are the `order_machine` script, operators list and
/// force orders.
struct OrderRoutes: RouteArea {
    let orders: Orders
    let clock: any WallClock

    /// Longest age filter, in seconds (ten years).
    static let ageSecondsMax: Int64 = 315_360_000

    static func orderID(_ context: AppRequestContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard text.utf8.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let id = Int64(text), id >= 1 else {
            throw RequestError("invalid_id", .badRequest, "id: an order id")
        }
        return id
    }

    static func state(_ text: String?) throws -> String? {
        guard let text else { return nil }
        guard (1...64).contains(text.utf8.count), text.utf8.allSatisfy({ $0 == 0x5F || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) })
        else { throw RequestError("invalid_query", .badRequest, "state: a state's name") }
        return text
    }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.post("orders") { request, context in
            let me = try context.requirePrincipal()
            let body = try await request.decodeStrict(as: NewOrder.self, context: context)
            return try JSONBody.response(try await orders.create(viewer: me.userID, body), status: .created)
        }
        routes.authenticated.get("orders") { request, context in
            let me = try context.requirePrincipal()
            let q = request.uri.queryParameters
            var filter = OrderFilter(state: try Self.state(q.get("state")))
            switch q.get("as") ?? "viewer" {
            case "viewer": filter.viewerID = me.userID
            case "streamer": filter.streamerID = me.userID
            default: throw RequestError("invalid_query", .badRequest, "as: viewer or streamer")
            }
            return try JSONBody.response(try await orders.list(filter, cursor: q.get("cursor"), limit: try q.limit(default: 50)))
        }
        routes.authenticated.get("orders/machine") { _, _ in
            try JSONBody.response(try orders.currentMachine())
        }
        routes.authenticated.get("orders/:id") { _, context in
            let me = try context.requirePrincipal()
            return try JSONBody.response(try await orders.order(id: try Self.orderID(context), caller: me))
        }
        routes.authenticated.post("orders/:id/actions/:action") { request, context in
            let me = try context.requirePrincipal()
            let id = try Self.orderID(context)
            let action = try context.parameters.require("action")
            guard (1...64).contains(action.utf8.count) else { throw RequestError("unknown_action", .notFound, "no such action") }
            let body = try await request.decodeStrict(as: OrderActionRequest.self, context: context)
            return try JSONBody.response(try await orders.act(orderID: id, action: action, caller: me, body))
        }
        routes.staff.get("orders") { request, _ in
            let q = request.uri.queryParameters
            var filter = OrderFilter(state: try Self.state(q.get("state")))
            if let v = q.get("viewer_id") { filter.viewerID = try PrivilegeRoutes.userID(v, field: "viewer_id") }
            if let s = q.get("streamer_id") { filter.streamerID = try PrivilegeRoutes.userID(s, field: "streamer_id") }
            if let text = q.get("min_age_seconds") {
                guard text.utf8.count <= 12, let seconds = Int64(text), (0...Self.ageSecondsMax).contains(seconds) else {
                    throw RequestError("invalid_query", .badRequest, "min_age_seconds: 0...\(Self.ageSecondsMax)")
                }
                // Both factors are bounded: seconds ≤ 3.2e8, so the product is below 3.2e11.
                filter.createdBefore = clock.nowMillis() - seconds * 1_000
            }
            return try JSONBody.response(try await orders.list(filter, cursor: q.get("cursor"), limit: try q.limit(default: 50)))
        }
        routes.staff.post("orders/:id/force") { request, context in
            let me = try context.requirePrincipal()
            let body = try await request.decodeStrict(as: OrderActionRequest.self, context: context)
            return try JSONBody.response(try await orders.force(orderID: try Self.orderID(context), by: me.userID, body))
        }
    }
}

extension NewOrder: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}

extension OrderActionRequest: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}
