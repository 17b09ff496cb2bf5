import Engine
import EngineCore
import Hummingbird

/// `GET /v1/whoami` (who the token speaks for) and `GET /v1/admin/ping` (proves role checks).
struct SessionRoutes: RouteArea {
    /// Body of `GET /v1/whoami`; `expires_at` is whole seconds since 1970, like the token's `exp`.
    struct WhoAmI: ResponseEncodable {
        let userID: String
        let role: Role
        let expiresAt: Int64

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
            case role
            case expiresAt = "expires_at"
        }
    }

    /// Body of `GET /v1/admin/ping`.
    struct Pong: ResponseEncodable {
        let pong: Bool
        let role: Role
    }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.get("whoami") { _, context in
            let principal = try context.requirePrincipal()
            return WhoAmI(
                userID: principal.userID,
                role: principal.role,
                expiresAt: principal.expiresAtSeconds
            )
        }
        routes.staff.get("ping") { _, context in
            let principal = try context.require(anyOf: Role.staff)
            return Pong(pong: true, role: principal.role)
        }
    }
}
