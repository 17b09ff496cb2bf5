import Engine
import EngineCore
import Hummingbird

/// `GET /v1/notifications?cursor=&limit=` (the caller's, newest first, with the unread count)
/// and `POST /v1/notifications/read { "up_to" }` (marks them read up to an id).
struct NotificationRoutes: RouteArea {
    let notifications: Notifications
    let clock: any WallClock

    struct Read: StrictDecodable {
        static let allowedKeys: Set<String> = ["up_to"]
        let upTo: Int64
        enum CodingKeys: String, CodingKey { case upTo = "up_to" }
    }

    struct Unread: Encodable {
        let unread: Int64
    }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.get("notifications") { request, context in
            let me = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let limit = try q.limit(default: 20)
            let cursor = q.get("cursor").flatMap { $0.isEmpty ? nil : String($0) }
            return try JSONBody.response(try await notifications.page(user: me.userID, cursor: cursor, limit: limit))
        }
        routes.authenticated.post("notifications/read") { request, context in
            let me = try context.requirePrincipal()
            let body = try await request.decodeStrict(as: Read.self, context: context)
            return try JSONBody.response(Unread(unread: try await notifications.markRead(user: me.userID, upTo: body.upTo, now: clock.nowMillis())))
        }
    }
}
