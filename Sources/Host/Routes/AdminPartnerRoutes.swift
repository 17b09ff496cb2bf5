import Engine
import Hummingbird

/// Partner registration by operators: `POST /v1/admin/partners` `{id, secret?, name?,
/// streamer_share_bp?}` (the share of a debit made in a room its streamer receives, 0 by default) answers
/// the partner with its secret (generated when not given), this once; `GET /v1/admin/partners`
/// lists partners without secrets.
struct AdminPartnerRoutes: RouteArea {
    let partners: Partners

    struct Register: StrictDecodable {
        static let allowedKeys: Set<String> = ["id", "secret", "name", "streamer_share_bp"]
        let id: String
        let secret: String?
        let name: String?
        let streamerShareBP: Int64?
        enum CodingKeys: String, CodingKey {
            case id, secret, name
            case streamerShareBP = "streamer_share_bp"
        }
    }

    /// The answer of a registration: the partner and its secret.
    struct Registered: Encodable {
        let id: String
        let name: String
        let createdBy: String
        let createdAt: Int64
        let streamerShareBP: Int64
        let secret: String
    }

    struct Listing: Encodable {
        let partners: [Partners.Partner]
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.post("partners") { [partners] request, context in
            let me = try context.requirePrincipal()
            let body = try await request.decodeStrict(as: Register.self, context: context)
            let r = try await partners.register(
                id: body.id, secret: body.secret, name: body.name, streamerShareBP: body.streamerShareBP ?? 0, by: me.userID)
            let answer = Registered(
                id: r.partner.id, name: r.partner.name, createdBy: r.partner.createdBy, createdAt: r.partner.createdAt,
                streamerShareBP: r.partner.streamerShareBP, secret: r.secret)
            return try JSONBody.response(answer, status: .created)
        }
        routes.staff.get("partners") { [partners] _, _ in
            try JSONBody.response(Listing(partners: try await partners.list()))
        }
    }
}
