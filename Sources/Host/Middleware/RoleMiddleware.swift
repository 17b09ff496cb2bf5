import Engine
import EngineCore
import Hummingbird

/// Lets a request through only if its authenticated caller has one of `roles`: 401 with no
/// caller (the group lacks `AuthMiddleware`, or the token was missing), 403 for another role.
struct RoleMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// The roles admitted.
    let roles: Set<Role>

    /// - Parameter roles: the roles admitted; must not be empty.
    init(anyOf roles: Set<Role>) {
        precondition(!roles.isEmpty, "a role gate that admits nobody is a programming error")
        self.roles = roles
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        _ = try context.require(anyOf: roles)
        return try await next(request, context)
    }
}
