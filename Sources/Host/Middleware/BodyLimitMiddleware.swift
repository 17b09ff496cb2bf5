import Engine
import EngineCore
import Hummingbird

/// Enforces the request body limit: a declared `Content-Length` above it is refused before
/// the body is read, and the limit is put in the context so `decodeStrict` (and Hummingbird's
/// own collection) stop reading a streamed body at the same size.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// Largest accepted body, in bytes.
    let bodyBytesMax: Int

    /// - Parameter bodyBytesMax: largest accepted body, in bytes; at least 1.
    init(bodyBytesMax: Int) {
        precondition(bodyBytesMax > 0, "request body limit must be positive")
        self.bodyBytesMax = bodyBytesMax
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > bodyBytesMax {
            throw RequestError.payloadTooLarge(bodyBytesMax: bodyBytesMax)
        }
        var context = context
        context.requestBodyBytesMax = bodyBytesMax
        return try await next(request, context)
    }
}

extension RequestError {
    /// The request body is larger than the configured maximum.
    static func payloadTooLarge(bodyBytesMax: Int) -> RequestError {
        RequestError("payload_too_large", .payloadTooLarge, "request body exceeds \(bodyBytesMax) bytes")
    }
}
