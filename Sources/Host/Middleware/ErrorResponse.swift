import Engine
import EngineCore
import Foundation
import Hummingbird

/// An error reduced to what a client may see: a status, a stable code and a message.
struct ErrorResponse: Sendable {
    /// The HTTP status.
    let status: HTTPResponse.Status
    /// Stable machine code (`error` in the body).
    let code: String
    /// Text for people (`message` in the body).
    let message: String
    /// Extra fields beside `error` and `message` (never replacing them).
    var details: [String: String] = [:]

    /// Classifies any error; unknown ones become a bare 500 `internal_error`.
    init(_ error: any Error) {
        switch error {
        case let error as any ShowrunnerError:
            self.init(status: Self.status(for: error.kind), code: error.code, message: error.message)
            details = error.details ?? [:]
        case let error as any HTTPResponseError:
            let text = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            self.init(status: error.status, code: Self.code(for: error.status), message: text)
        case let error as DecodingError:
            self.init(status: .badRequest, code: "invalid_field", message: StrictJSON.describe(error))
        default:
            self.init(status: .internalServerError, code: "internal_error", message: "internal error")
        }
    }

    /// - Parameters: status: HTTP status; code: machine code; message: text for people.
    init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The JSON response, with `WWW-Authenticate` on 401 as RFC 6750 asks.
    func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized {
            headers[.wwwAuthenticate] = "Bearer"
        }
        // Strings always encode; a failure here would be a broken Foundation.
        var body = details
        body["error"] = code
        body["message"] = message
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(body)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The status for each engine error kind.
    static func status(for kind: ErrorKind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unprocessable: .unprocessableContent
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internalFailure: .internalServerError
        }
    }

    /// A stable code for a framework status, e.g. 404 `not_found`, 405 `method_not_allowed`.
    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "payload_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .tooManyRequests: "too_many_requests"
        case .serviceUnavailable: "unavailable"
        default:
            status.kind == .serverError ? "internal_error"
                : status.reasonPhrase.lowercased().split(whereSeparator: { !$0.isLetter }).joined(separator: "_")
        }
    }
}
