import Engine
import Hummingbird
import Rooms

/// Vanity room numbers:
/// - `PUT /v1/admin/rooms/{room}/number` `{number}`: assign (operators);
/// - `DELETE /v1/admin/rooms/{room}/number`: release (operators);
/// - `PUT /v1/admin/room-numbers/{number}` `{price_coins}`, `DELETE` it: list for sale, withdraw;
/// - `GET /v1/admin/room-numbers?limit=&after=`: every number held, cooling down or listed;
/// - `POST /v1/rooms/{room}/number` `{number, idempotency_key}`: the room's streamer buys a
///   listed number, paid in coins.
struct RoomNumberRoutes: RouteArea {
    let numbers: RoomNumbers
    let resolver: RoomResolver

    struct Assign: StrictDecodable {
        static let allowedKeys: Set<String> = ["number"]
        let number: String
    }

    struct Listing: StrictDecodable {
        static let allowedKeys: Set<String> = ["price_coins"]
        let priceCoins: Int64
        enum CodingKeys: String, CodingKey { case priceCoins = "price_coins" }
    }

    struct Buy: StrictDecodable {
        static let allowedKeys: Set<String> = ["number", "idempotency_key"]
        let number: String
        let idempotencyKey: String
        enum CodingKeys: String, CodingKey {
            case number
            case idempotencyKey = "idempotency_key"
        }
    }

    struct NumberList: Encodable {
        let numbers: [RoomNumber]
        /// The `after` of the next page; nil on the last one.
        let next: String?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(numbers, forKey: .numbers)
            try container.encode(next, forKey: .next)
        }
        enum CodingKeys: String, CodingKey { case numbers, next }
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.put("rooms/:room/number") { request, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let body = try await request.decodeStrict(as: Assign.self, context: context)
            return try JSONBody.response(try await numbers.assign(body.number, to: room, by: me.userID))
        }
        routes.staff.delete("rooms/:room/number") { _, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            return try JSONBody.response(try await numbers.release(room: room, by: me.userID))
        }
        routes.staff.put("room-numbers/:number") { request, context in
            let me = try context.requirePrincipal()
            let number = try RoomNumberRules.check(try context.parameters.require("number"))
            let body = try await request.decodeStrict(as: Listing.self, context: context)
            return try JSONBody.response(try await numbers.list(number, priceCoins: body.priceCoins, by: me.userID))
        }
        routes.staff.delete("room-numbers/:number") { _, context in
            let me = try context.requirePrincipal()
            let number = try RoomNumberRules.check(try context.parameters.require("number"))
            return try JSONBody.response(try await numbers.unlist(number, by: me.userID))
        }
        routes.staff.get("room-numbers") { request, _ in
            let query = request.uri.queryParameters
            var limit = 100
            if let text = query.get("limit") {
                guard text.utf8.count <= 4, let n = Int(text) else {
                    throw RoomNumberError.invalid(.limit, "must be 1-\(RoomNumbers.listLimitMax)")
                }
                limit = n
            }
            let after = query.get("after").flatMap { $0.isEmpty ? nil : $0 }
            let page = try await numbers.numbers(limit: limit, after: after)
            return try JSONBody.response(NumberList(numbers: page, next: page.count == limit ? page.last?.number : nil))
        }
        routes.authenticated.post("rooms/:room/number") { request, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let body = try await request.decodeStrict(as: Buy.self, context: context)
            return try JSONBody.response(try await numbers.buy(body.number, for: room, buyer: me.userID, idempotencyKey: body.idempotencyKey))
        }
    }
}
