import Engine
import EngineCore
import Foundation
import Hummingbird

/// One area of the HTTP API (health, session, and later rooms, scripts, journal...).
///
/// To plug in an area: write a type holding its engine dependencies, conform it, and pass it
/// in `AppServices.routeAreas`:
/// ```swift
/// struct RoomRoutes: RouteArea {
///     let rooms: RoomService
///     func addRoutes(to routes: AppRoutes) {
///         routes.authenticated.post("rooms/:id/danmaku") { request, context in ... }
///         routes.staff.post("rooms/:id/close") { request, context in ... }
///     }
/// }
/// ```
protocol RouteArea: Sendable {
    /// Registers this area's routes on the groups it needs.
    func addRoutes(to routes: AppRoutes)
}

/// The route groups an area can add to, each with its middleware already attached.
struct AppRoutes {
    /// Root router: public, no authentication (health, metrics, signed partner callbacks).
    let root: Router<AppRequestContext>
    /// `/v1`: any valid token; invalid or missing tokens get 401.
    let authenticated: RouterGroup<AppRequestContext>
    /// `/v1/admin`: a valid token of an operator or admin; other roles get 403.
    let staff: RouterGroup<AppRequestContext>

    /// - Parameters: router: the root router; signer: verifies tokens; now: the token clock.
    init(
        router: Router<AppRequestContext>, signer: TokenSigner, now: @escaping @Sendable () -> Date,
        onPrincipal: (@Sendable (Principal) async throws -> Void)? = nil
    ) {
        self.root = router
        self.authenticated = router.group("v1").add(
            middleware: AuthMiddleware(signer: signer, now: now, onPrincipal: onPrincipal))
        self.staff = self.authenticated.group("admin").add(middleware: RoleMiddleware(anyOf: Role.staff))
    }
}
