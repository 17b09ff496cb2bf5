import Engine
import Hummingbird
import Logging

/// The one place errors become responses. Every failure leaves as
/// `{"error": code, "message": text}` with a status chosen by its kind:
/// - `ShowrunnerError`: status from `kind`, its own code and message;
/// - Hummingbird's `HTTPResponseError` (no route, body too large...): status kept, code from it;
/// - `DecodingError` from a route that decoded by hand: 400 `invalid_field`;
/// - anything else: 500 `internal_error`, details only in the log.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let failure = ErrorResponse(error)
            if failure.status.kind == .serverError {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            } else {
                context.logger.debug("request refused", metadata: ["error.code": "\(failure.code)"])
            }
            return failure.response()
        }
    }
}
