import Engine
import EngineCore
import Hummingbird
import Rooms

/// The review queue of held danmaku (operators, admins):
/// - `GET /v1/admin/moderation/review?since=&limit=`: held messages nobody decided on, oldest first;
/// - `POST /v1/admin/moderation/review/{id}` `{approve, reason}`: approve (delivered late, marked
///   `reviewed`) or reject, journaled with who and why.
extension RealtimeRoutes {
    struct HeldPage: ResponseEncodable {
        let held: [HeldDanmaku]
        let next: Int64
    }

    struct Decision: StrictDecodable {
        static let allowedKeys: Set<String> = ["approve", "reason"]
        let approve: Bool
        let reason: String
    }

    func addReviewRoutes(to routes: AppRoutes) {
        routes.staff.get("moderation/review") { [danmaku] request, _ in
            let q = request.uri.queryParameters
            let since = try Self.integer(request, "since", default: 0)
            let limit = try q.limit(default: 100)
            let held = try await danmaku.held(since: since, limit: limit)
            return HeldPage(held: held, next: held.last?.id ?? since)
        }
        routes.staff.post("moderation/review/:id") { [danmaku] request, context in
            let me = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")), id > 0 else {
                throw RequestError("invalid_id", .badRequest, "a held danmaku is named by its id (a positive integer)")
            }
            let body = try await request.decodeStrict(as: Decision.self, context: context)
            return try JSONBody.response(try await danmaku.decide(heldID: id, approve: body.approve, by: me.userID, reason: body.reason))
        }
    }
}
