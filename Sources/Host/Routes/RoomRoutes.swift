import Engine
import Hummingbird
import Rooms

/// `POST /v1/admin/rooms` (operators), `GET /v1/rooms/{room}` (anyone signed in; with the
/// room's vanity number), and following the room's streamer: `GET`, `POST`, `DELETE
/// /v1/rooms/{room}/follow`. `{room}` is a room id or a vanity number (`RoomResolver`).
struct RoomRoutes: RouteArea {
    let rooms: RoomDirectory
    let numbers: RoomNumbers
    let resolver: RoomResolver
    let follows: Follows
    let live: LiveSessions

    /// A room as `GET /v1/rooms/{room}` shows it: its fields and its number (null when none).
    struct RoomWithNumber: Encodable {
        let room: Room
        let number: String?
        let live: Bool
        func encode(to encoder: any Encoder) throws {
            try room.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(number, forKey: .number)
            try container.encode(live, forKey: .live)
        }
        enum Key: String, CodingKey { case number, live }
    }

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
            let room = try await resolver.resolve(try context.parameters.require("room"))
            return try JSONBody.response(RoomWithNumber(
                room: room, number: try await numbers.number(ofRoom: room.id), live: try await live.state(room).live))
        }
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
