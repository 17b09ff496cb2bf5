/// How an engine error is to be understood by a caller; the host maps each kind to one HTTP
/// status in one place.
public enum ErrorKind: String, Sendable {
    case badRequest, unauthorized, forbidden, notFound, conflict, payloadTooLarge
    case unprocessable, tooManyRequests, unavailable, internalFailure
}

/// Every typed engine error conforms: a stable machine `code` (snake_case, part of the public
/// API), a `kind` for the transport mapping, and a human `message`.
public protocol ShowrunnerError: Error, Sendable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. `insufficient_funds`.
    var code: String { get }
    /// The category the host maps to a status.
    var kind: ErrorKind { get }
    /// A sentence for people.
    var message: String { get }
    /// Extra fields for the error body (e.g. an order's current `state` on a conflict); nil for none.
    var details: [String: String]? { get }
}

extension ShowrunnerError {
    public var description: String { "\(code): \(message)" }
    public var details: [String: String]? { nil }
}

/// A plain error for request validation, used where no domain error type fits better.
public struct RequestError: ShowrunnerError {
    public let code: String
    public let kind: ErrorKind
    public let message: String

    /// - Parameters: code: machine code; kind: category; message: text for people.
    public init(_ code: String, _ kind: ErrorKind = .badRequest, _ message: String) {
        self.code = code
        self.kind = kind
        self.message = message
    }
}
