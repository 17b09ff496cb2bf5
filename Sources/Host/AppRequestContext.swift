import Engine
import EngineCore
import Hummingbird

/// The request context of every route: Hummingbird's core storage, plus who is calling and
/// how large a body this request may send.
struct AppRequestContext: RequestContext {
    /// Hummingbird's per-request storage (logger, parameters, endpoint path).
    var coreContext: CoreRequestContextStorage
    /// The verified caller, set by `AuthMiddleware`; `nil` on public routes.
    var principal: Principal?
    /// Largest body this request may carry, set by `BodyLimitMiddleware` from the config.
    var requestBodyBytesMax = AppConfig.requestBodyBytesMaxDefault

    /// Creates an unauthenticated context for one request.
    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Hummingbird's own body collection limit follows ours.
    var maxUploadSize: Int { requestBodyBytesMax }

    /// The caller, or `missing_token` when the route was reached without authentication.
    func requirePrincipal() throws(AuthError) -> Principal {
        guard let principal else { throw AuthError.missingToken }
        return principal
    }

    /// The caller, if its role is one of `roles`.
    /// - Throws: `AuthError` `missing_token` (401) without a caller, `forbidden` (403) for another role.
    func require(anyOf roles: Set<Role>) throws(AuthError) -> Principal {
        let principal = try requirePrincipal()
        guard roles.contains(principal.role) else { throw AuthError.forbidden(role: principal.role, allowed: roles) }
        return principal
    }
}
