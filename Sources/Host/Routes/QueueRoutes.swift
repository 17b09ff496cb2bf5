import Engine
import EngineCore
import Foundation
import Hummingbird
import Rooms

/// Play together over HTTP. `{room}` is a room id or a vanity number.
/// - `GET /v1/queues/gates`: the entry-gate templates and their typed parameters;
/// - `POST`, `GET /v1/rooms/{room}/live`: the streamer starts or ends a live session;
/// - `PUT /v1/rooms/{room}/queue` (the room's streamer or an operator), `GET` (anyone signed in;
///   the streamer and operators also see game accounts);
/// - `POST /v1/rooms/{room}/queue/apply`, `DELETE /v1/rooms/{room}/queue/me`;
/// - the streamer's: `POST /v1/rooms/{room}/queue/members/{user}/promote`,
///   `DELETE /v1/rooms/{room}/queue/members/{user}` (`{ "reason" }`), `POST /v1/rooms/{room}/queue/clear`;
/// - `PUT /v1/users/me/game-accounts/{game}` `{ "account" }`.
struct QueueRoutes: RouteArea {
    let gates: QueueGates
    let queues: Queues
    let live: LiveSessions
    let resolver: RoomResolver
    let recommendations: Recommendations

    struct Templates: Encodable {
        let gates: [QueueGates.Template]
    }

    struct Live: StrictDecodable {
        static let allowedKeys: Set<String> = ["on", "game"]
        let on: Bool
        let game: String?
    }

    struct Reason: StrictDecodable {
        static let allowedKeys: Set<String> = ["reason"]
        let reason: String?
    }

    struct Account: StrictDecodable {
        static let allowedKeys: Set<String> = ["account"]
        let account: String
    }

    struct Bound: Encodable {
        let game: String
        let account: String
    }

    /// A body that may be empty (`{}` or nothing at all).
    static func optionalReason(_ request: Request, _ context: AppRequestContext) async throws -> String? {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.requestBodyBytesMax)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw RequestError.payloadTooLarge(bodyBytesMax: context.requestBodyBytesMax)
        }
        guard buffer.readableBytes > 0 else { return nil }
        return try StrictJSON.decode(Reason.self, from: Data(buffer.readableBytesView)).reason
    }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.get("queues/gates") { _, _ in
            try JSONBody.response(Templates(gates: gates.templates()))
        }
        routes.authenticated.get("queues/recommended") { request, context in
            let me = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let limit = try q.limit(default: 20)
            var passing = false
            if let text = q.get("passing") {
                guard text == "true" || text == "false" else { throw RequestError("invalid_query", .badRequest, "passing must be true or false") }
                passing = text == "true"
            }
            let game = q.get("game").flatMap { $0.isEmpty ? nil : String($0) }
            return try JSONBody.response(try await recommendations.recommend(viewer: me.userID, game: game, limit: limit, passing: passing))
        }
        routes.authenticated.get("rooms/:room/live") { _, context in
            let room = try await resolver.resolve(try context.parameters.require("room"))
            return try JSONBody.response(try await live.state(room))
        }
        routes.authenticated.post("rooms/:room/live") { request, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let body = try await request.decodeStrict(as: Live.self, context: context)
            return try JSONBody.response(try await live.set(room, by: me, on: body.on, game: body.game))
        }
        routes.authenticated.put("rooms/:room/queue") { request, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let body = try await request.decodeStrict(as: QueueSettings.self, context: context)
            return try JSONBody.response(try await queues.configure(room, by: me, body))
        }
        routes.authenticated.get("rooms/:room/queue") { _, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let manager = me.userID == room.streamerID || Role.staff.contains(me.role)
            return try JSONBody.response(try await queues.view(room, streamerView: manager))
        }
        routes.authenticated.post("rooms/:room/queue/apply") { _, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            return try JSONBody.response(try await queues.apply(room, viewer: me.userID))
        }
        routes.authenticated.delete("rooms/:room/queue/me") { _, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            return try JSONBody.response(try await queues.leave(room, user: me.userID, by: me, reason: nil))
        }
        routes.authenticated.delete("rooms/:room/queue/members/:user") { request, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let user = try PrivilegeRoutes.userID(try context.parameters.require("user"), field: "user_id")
            let reason = try await Self.optionalReason(request, context)
            return try JSONBody.response(try await queues.leave(room, user: user, by: me, reason: reason ?? "removed by the streamer"))
        }
        routes.authenticated.post("rooms/:room/queue/members/:user/promote") { _, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let user = try PrivilegeRoutes.userID(try context.parameters.require("user"), field: "user_id")
            return try JSONBody.response(try await queues.promote(room, user: user, by: me))
        }
        routes.authenticated.post("rooms/:room/queue/clear") { request, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let reason = try await Self.optionalReason(request, context)
            return try JSONBody.response(try await queues.clear(room, by: me, reason: reason))
        }
        routes.authenticated.put("users/me/game-accounts/:game") { request, context in
            let me = try context.requirePrincipal()
            let game = try context.parameters.require("game")
            let body = try await request.decodeStrict(as: Account.self, context: context)
            try await queues.bindGameAccount(user: me.userID, game: game, account: body.account)
            return try JSONBody.response(Bound(game: game, account: body.account))
        }
    }
}

extension QueueSettings: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
    static var nestedAllowedKeys: [String: Set<String>] { ["gate": gateKeys] }
}
