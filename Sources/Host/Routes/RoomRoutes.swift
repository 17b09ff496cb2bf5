import Engine
import Hummingbird

/// `POST /v1/admin/rooms` (operators), `GET /v1/rooms/{room}` (anyone signed in), and
/// following the room's streamer: `GET`, `POST`, `DELETE /v1/rooms/{room}/follow`.
struct RoomRoutes: RouteArea {
    let rooms: RoomDirectory
    let follows: Follows

    struct CreateRoom: StrictDecodable {
        static let allowedKeys: Set<String> = ["id", "streamer_id", "title", "category"]
        let id: String
        let streamerID: String
        let title: String
        let category: String
        enum CodingKeys: String, CodingKey {
            case id, title, category
            case streamerID = "streamer_id"
        }
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.post("rooms") { request, context in
            let body = try await request.decodeStrict(as: CreateRoom.self, context: context)
            let room = try await rooms.create(NewRoom(id: body.id, streamerID: body.streamerID, title: body.title, category: body.category))
            return try JSONBody.response(room, status: .created)
        }
        routes.authenticated.get("rooms/:room") { _, context in
            let id = try context.parameters.require("room")
            return try JSONBody.response(try await rooms.room(id: id))
        }
        let resolver = RoomResolver.ids(rooms)
        routes.authenticated.get("rooms/:room/follow") { _, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            return try JSONBody.response(try await follows.state(viewer: me.userID, room: room))
        }
        routes.authenticated.post("rooms/:room/follow") { _, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            return try JSONBody.response(try await follows.follow(viewer: me.userID, room: room))
        }
        routes.authenticated.delete("rooms/:room/follow") { _, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            return try JSONBody.response(try await follows.unfollow(viewer: me.userID, room: room))
        }
    }
}
