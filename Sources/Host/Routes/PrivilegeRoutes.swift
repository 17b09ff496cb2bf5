import Engine
import EngineCore
import Hummingbird
import Rooms

/// Privileges and fan medals over HTTP:
/// - operators: `PUT`/`GET /v1/admin/privileges/products/{id}`, `GET /v1/admin/privileges/products`;
/// - anyone signed in: `GET /v1/privileges/products` (the catalog), `POST /v1/privileges/purchases`,
///   `GET /v1/users/{id}/privileges` (active holdings and what the user shows),
///   `GET /v1/users/me/medals`, `PUT`/`DELETE /v1/users/me/medal`, `GET /v1/streamers/{id}/fans/{viewer}`.
struct PrivilegeRoutes: RouteArea {
    let privileges: Privileges
    let medals: FanMedals

    struct Products: Encodable {
        let products: [PrivilegeProduct]
    }

    struct Holdings: Encodable {
        let userID: String
        let privileges: [HeldPrivilege]
        let shows: EntryPrivileges
    }

    struct Medals: Encodable {
        let medals: [FanMedals.Medal]
    }

    struct Wear: StrictDecodable {
        static let allowedKeys: Set<String> = ["streamer_id"]
        let streamerID: String
        enum CodingKeys: String, CodingKey {
            case streamerID = "streamer_id"
        }
    }

    struct TakenOff: Encodable {
        let worn: Bool
    }

    static func userID(_ text: String, field: String) throws -> String {
        guard Principal.isValidUserID(text) else { throw RequestError("invalid_\(field)", .badRequest, "\(field): not a user id") }
        return text
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.put("privileges/products/:id") { request, context in
            let id = try context.parameters.require("id")
            let edit = try await request.decodeStrict(as: PrivilegeProductEdit.self, context: context)
            return try JSONBody.response(try await privileges.put(id: id, edit))
        }
        routes.staff.get("privileges/products/:id") { _, context in
            try JSONBody.response(try await privileges.product(id: try context.parameters.require("id")))
        }
        routes.staff.get("privileges/products") { _, _ in
            try JSONBody.response(Products(products: try await privileges.all()))
        }
        routes.authenticated.get("privileges/products") { _, _ in
            try JSONBody.response(Products(products: try await privileges.all()))
        }
        routes.authenticated.post("privileges/purchases") { request, context in
            let me = try context.requirePrincipal()
            let body = try await request.decodeStrict(as: PurchaseRequest.self, context: context)
            return try JSONBody.response(try await privileges.purchase(buyer: me.userID, body))
        }
        routes.authenticated.get("users/me/medals") { request, context in
            let me = try context.requirePrincipal()
            let limit = try request.uri.queryParameters.limit(default: 50)
            return try JSONBody.response(Medals(medals: try await medals.medals(viewer: me.userID, limit: limit)))
        }
        routes.authenticated.put("users/me/medal") { request, context in
            let me = try context.requirePrincipal()
            let body = try await request.decodeStrict(as: Wear.self, context: context)
            let streamer = try Self.userID(body.streamerID, field: "streamer_id")
            return try JSONBody.response(try await medals.wear(viewer: me.userID, streamer: streamer))
        }
        routes.authenticated.delete("users/me/medal") { _, context in
            let me = try context.requirePrincipal()
            return try JSONBody.response(TakenOff(worn: try await medals.takeOff(viewer: me.userID)))
        }
        routes.authenticated.get("users/:id/privileges") { request, context in
            let id = try context.parameters.require("id")
            let user = id == "me" ? try context.requirePrincipal().userID : try Self.userID(id, field: "user_id")
            var streamer: String?
            if let s = request.uri.queryParameters.get("streamer_id") { streamer = try Self.userID(String(s), field: "streamer_id") }
            let held = try await privileges.held(user: user)
            let shows = await privileges.shown(user: user, streamer: streamer)
            return try JSONBody.response(Holdings(userID: user, privileges: held, shows: shows))
        }
        routes.authenticated.get("streamers/:id/fans/:viewer") { _, context in
            let streamer = try Self.userID(try context.parameters.require("id"), field: "streamer_id")
            let viewer = try Self.userID(try context.parameters.require("viewer"), field: "viewer_id")
            return try JSONBody.response(try await medals.medal(viewer: viewer, streamer: streamer))
        }
    }
}

extension PrivilegeProductEdit: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
    static var nestedAllowedKeys: [String: Set<String>] { ["tiers.*": tierKeys, "tiers.*.prices.*": priceKeys] }
}

extension PurchaseRequest: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}
