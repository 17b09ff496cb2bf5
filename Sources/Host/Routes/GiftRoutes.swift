import Engine
import Hummingbird
import Rooms

/// The gift catalog over HTTP: operators edit, everyone lists what a room (id or number) offers.
struct GiftRoutes: RouteArea {
    let catalog: GiftCatalog
    let resolver: RoomResolver

    struct GiftList: Encodable {
        let gifts: [Gift]
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.put("gifts/:id") { request, context in
            let id = try context.parameters.require("id")
            let edit = try await request.decodeStrict(as: GiftEdit.self, context: context)
            return try JSONBody.response(try await catalog.put(id: id, edit))
        }
        routes.staff.get("gifts") { _, _ in
            try JSONBody.response(GiftList(gifts: try await catalog.all()))
        }
        routes.authenticated.get("rooms/:room/gifts") { _, context in
            let room = try await resolver.resolve(try context.parameters.require("room"))
            return try JSONBody.response(GiftList(gifts: try await catalog.offered(in: room)))
        }
    }
}

extension GiftEdit: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
    static var nestedAllowedKeys: [String: Set<String>] { ["split": ["streamer_bp", "guild_bp", "platform_bp"]] }
}
