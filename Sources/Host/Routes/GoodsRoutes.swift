import Engine
import EngineCore
import Hummingbird

/// Help me play, goods: streamers create, edit and delist theirs (`/v1/streamers/me/goods`,
/// the streamer role or staff), everyone reads a streamer's listed goods and their own private
/// offers, operators review what waits and set the review's word list.
struct GoodsRoutes: RouteArea {
    let goods: GoodsCatalog

    struct GoodsList: Encodable {
        let goods: [Goods]
    }

    struct Decision: StrictDecodable {
        static let allowedKeys: Set<String> = ["approve", "reason"]
        let approve: Bool
        let reason: String
    }

    static func seller(_ context: AppRequestContext) throws -> String {
        let me = try context.requirePrincipal()
        guard me.role == .streamer || Role.staff.contains(me.role) else {
            throw RequestError("not_a_streamer", .forbidden, "only streamers sell goods")
        }
        return me.userID
    }

    static func id(_ context: AppRequestContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard text.utf8.count <= 18, let id = Int64(text), id >= 1 else { throw RequestError("invalid_id", .badRequest, "id: a goods id") }
        return id
    }

    /// `?draft=true` keeps a good as an unreviewed draft; `false` or absent submits it.
    static func draft(_ request: Request) throws -> Bool {
        switch request.uri.queryParameters.get("draft") {
        case nil, "false": false
        case "true": true
        default: throw RequestError("invalid_query", .badRequest, "draft: true or false")
        }
    }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.post("streamers/me/goods") { request, context in
            let me = try Self.seller(context)
            let body = try await request.decodeStrict(as: GoodsEdit.self, context: context)
            return try JSONBody.response(try await goods.create(streamer: me, body, draft: try Self.draft(request)), status: .created)
        }
        routes.authenticated.get("streamers/me/goods") { _, context in
            try JSONBody.response(GoodsList(goods: try await goods.mine(streamer: try Self.seller(context))))
        }
        routes.authenticated.put("streamers/me/goods/:id") { request, context in
            let me = try Self.seller(context)
            let id = try Self.id(context)
            let body = try await request.decodeStrict(as: GoodsEdit.self, context: context)
            return try JSONBody.response(try await goods.update(streamer: me, id: id, body, draft: try Self.draft(request)))
        }
        routes.authenticated.delete("streamers/me/goods/:id") { _, context in
            let me = try Self.seller(context)
            return try JSONBody.response(try await goods.delist(streamer: me, id: try Self.id(context)))
        }
        routes.authenticated.get("streamers/:id/goods") { _, context in
            let streamer = try PrivilegeRoutes.userID(try context.parameters.require("id"), field: "streamer_id")
            return try JSONBody.response(GoodsList(goods: try await goods.listed(streamer: streamer)))
        }
        routes.authenticated.get("users/me/offers") { _, context in
            let me = try context.requirePrincipal()
            return try JSONBody.response(GoodsList(goods: try await goods.offers(viewer: me.userID)))
        }
        routes.staff.get("goods/review") { request, _ in
            let limit = try request.uri.queryParameters.limit(default: 50)
            return try JSONBody.response(GoodsList(goods: try await goods.pendingReview(limit: limit)))
        }
        routes.staff.post("goods/:id/review") { request, context in
            let me = try context.requirePrincipal()
            let id = try Self.id(context)
            let body = try await request.decodeStrict(as: Decision.self, context: context)
            return try JSONBody.response(try await goods.decide(id: id, approve: body.approve, reason: body.reason, by: me.userID))
        }
        routes.staff.get("goods/words") { _, _ in
            try JSONBody.response(try await goods.settings())
        }
        routes.staff.put("goods/words") { request, context in
            let me = try context.requirePrincipal()
            let body = try await request.decodeStrict(as: GoodsReviewSettings.self, context: context)
            return try JSONBody.response(try await goods.setReview(body, by: me.userID))
        }
    }
}

extension GoodsEdit: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}

extension GoodsReviewSettings: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
    static var nestedAllowedKeys: [String: Set<String>] { ["words.*": wordKeys] }
}
