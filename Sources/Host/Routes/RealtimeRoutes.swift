import Engine
import EngineCore
import Hummingbird
import Rooms

/// HTTP side of rooms in real time:
/// - `GET /v1/rooms/{room}/ws` without an upgrade: the same checks as the upgrade, then 426;
/// - `GET /v1/rooms/{room}/danmaku?since=&limit=`: the durable danmaku log (journal offsets);
/// - `POST /v1/rooms/{room}/mutes` `{user_id, seconds}`: the room's streamer or staff;
/// - `GET|PUT /v1/admin/moderation/words`: the keyword list (`{words: [...]}`), hot-swapped;
/// - `POST /v1/admin/broadcasts` `{text}`: every room; `POST /v1/admin/rooms/{room}/notices` `{text}`.
struct RealtimeRoutes: RouteArea {
    let bus: RoomBus
    let danmaku: DanmakuService
    let resolver: RoomResolver
    let upgrade: RealtimeUpgrade

    func addRoutes(to routes: AppRoutes) {
        routes.root.get("v1/rooms/:room/ws") { [upgrade] request, context -> Response in
            _ = try await upgrade.admit(request, segment: try context.parameters.require("room"))
            throw RequestError("upgrade_required", .badRequest, "connect with a WebSocket upgrade")
        }
        routes.authenticated.get("rooms/:room/danmaku") { [self] request, context in
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let since = try Self.integer(request, "since", default: 0)
            let limit = try Self.integer(request, "limit", default: 100)
            let items = try await danmaku.log(room: room.id, since: since, limit: Int(limit))
            return DanmakuPage(items: items, next: items.last?.id ?? since)
        }
        routes.authenticated.post("rooms/:room/mutes") { [self] request, context in
            let principal = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            guard Role.staff.contains(principal.role) || room.streamerID == principal.userID else {
                throw ModerationError.notRoomModerator(room: room.id)
            }
            let body = try await request.decodeStrict(as: MuteBody.self, context: context)
            try await danmaku.mute(room: room.id, userID: body.userID, seconds: body.seconds, by: principal.userID)
            return Response(status: .noContent)
        }
        addStaffRoutes(to: routes)
    }

    private func addStaffRoutes(to routes: AppRoutes) {
        addReviewRoutes(to: routes)
        routes.staff.get("moderation/words") { [danmaku] _, _ in
            WordList(words: danmaku.filter.rules)
        }
        routes.staff.put("moderation/words") { [danmaku] request, context in
            let body = try await request.decodeStrict(as: WordList.self, context: context)
            try await danmaku.filter.replace(with: body.words)
            return WordList(words: danmaku.filter.rules)
        }
        routes.staff.post("broadcasts") { [bus] request, context in
            let body = try await request.decodeStrict(as: TextBody.self, context: context)
            let frames = bus.publishToAll(event: try RoomEvent(.broadcast, payload: try body.checked()))
            return Delivered(rooms: frames.count)
        }
        routes.staff.post("rooms/:room/notices") { [self] request, context in
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let body = try await request.decodeStrict(as: TextBody.self, context: context)
            bus.publish(room: room.id, event: try RoomEvent(.notice, payload: try body.checked()))
            return Delivered(rooms: 1)
        }
    }

    static func integer(_ request: Request, _ name: String, default value: Int64) throws -> Int64 {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let parsed = Int64(text), parsed >= 0 else {
            throw RequestError("invalid_\(name)", .badRequest, "\(name) must be an integer >= 0")
        }
        return parsed
    }
}
