/// Why a caller could not be authenticated or authorised, or why a signer refused to start.
public struct AuthError: ShowrunnerError, Equatable {
    /// Stable machine code: `missing_token`, `malformed_token`, `bad_signature`,
    /// `token_expired`, `forbidden`, `invalid_user`, `invalid_ttl` or `secret_too_short`.
    public let code: String
    /// `.unauthorized` for token problems, `.forbidden` for role checks.
    public let kind: ErrorKind
    /// A sentence for people; never contains the token or the secret.
    public let message: String

    /// - Parameters: code: machine code; kind: category; message: text for people.
    public init(code: String, kind: ErrorKind, message: String) {
        self.code = code
        self.kind = kind
        self.message = message
    }

    /// No token was presented.
    public static let missingToken = AuthError(
        code: "missing_token", kind: .unauthorized, message: "an access token is required")
    /// The signature does not match the payload under this server's secret.
    public static let badSignature = AuthError(
        code: "bad_signature", kind: .unauthorized, message: "the token signature is not valid")
    /// The token was valid once but its expiry has passed.
    public static let tokenExpired = AuthError(
        code: "token_expired", kind: .unauthorized, message: "the token has expired")

    /// The token is not in the expected structure or its claims have the wrong shape.
    public static func malformedToken(_ reason: String) -> AuthError {
        AuthError(code: "malformed_token", kind: .unauthorized, message: "malformed token: \(reason)")
    }

    /// The caller is authenticated but its role is not among `allowed`.
    public static func forbidden(role: Role, allowed: Set<Role>) -> AuthError {
        let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        return AuthError(code: "forbidden", kind: .forbidden, message: "role \(role.rawValue) may not do this; requires one of: \(names)")
    }

    /// A token was requested for a user id that could never verify.
    public static func invalidUser(_ userID: String) -> AuthError {
        AuthError(code: "invalid_user", kind: .badRequest, message: "user id must be 1-\(Principal.userIDCharactersMax) characters of [A-Za-z0-9_-]")
    }

    /// A token was requested with a lifetime that is not positive or too long.
    public static let invalidTTL = AuthError(
        code: "invalid_ttl", kind: .badRequest,
        message: "token lifetime must be between 1 second and \(TokenSigner.ttlSecondsMax) seconds")

    /// The signing secret is too short to resist guessing.
    public static let secretTooShort = AuthError(
        code: "secret_too_short", kind: .internalFailure,
        message: "the token secret must be at least \(TokenSigner.secretBytesMin) bytes")
}
