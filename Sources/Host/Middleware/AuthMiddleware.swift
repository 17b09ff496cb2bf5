import Engine
import Foundation
import Hummingbird

/// Authenticates every request of its group: reads `Authorization: Bearer <token>`, or the
/// `token` query parameter (browsers cannot set headers on a WebSocket upgrade), verifies it
/// and stores the `Principal` in the context. No token, or an invalid one, is a 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// Verifies tokens.
    let signer: TokenSigner
    /// The clock expiry is checked against.
    let now: @Sendable () -> Date
    /// Called with every verified caller (creates the profile row on first use).
    var onPrincipal: (@Sendable (Principal) async throws -> Void)? = nil

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let token = try Self.token(in: request)
        var context = context
        let principal = try signer.verify(token, now: now())
        context.principal = principal
        try await onPrincipal?(principal)
        return try await next(request, context)
    }

    /// The presented token: the header wins over the query; empty when there is none.
    /// - Throws: `malformed_token` for an `Authorization` header of another scheme than Bearer.
    static func token(in request: Request) throws(AuthError) -> String {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.first?.lowercased() == "bearer" else {
                throw AuthError.malformedToken("expected 'Authorization: Bearer <token>'")
            }
            guard parts.count == 2 else {
                return ""
            }
            return parts[1].trimmingCharacters(in: .whitespaces)
        }
        return request.uri.queryParameters.get("token") ?? ""
    }
}
