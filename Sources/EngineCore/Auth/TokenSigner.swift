import Foundation
import Synchronization

/// Issues and verifies bearer tokens: `base64url(JSON {"sub","role","exp"}) + "." + base64url(HMAC)`.
///
/// The MAC (HMAC-SHA256 under the server secret) covers the encoded payload text and is
/// checked in constant time before the payload is parsed, so nothing unauthenticated is ever
/// interpreted. `exp` is whole seconds since 1970; a token is valid strictly before it.
public struct TokenSigner: Sendable {
    /// Shortest accepted secret: 256 bits, the size of the MAC.
    public static let secretBytesMin = 32
    /// Longest token accepted by `verify`; anything longer is refused before any work.
    public static let tokenBytesMax = 1024
    /// Longest lifetime `issue` grants: one year.
    public static let ttlSecondsMax: Int64 = 366 * 24 * 60 * 60

    /// Most verified tokens remembered; when full the memory starts again empty.
    public static let verifiedCacheMax = 10_000

    private let secret: [UInt8]
    /// Tokens whose MAC and payload already checked out, with what they speak for: a client's
    /// next request with the same token skips the HMAC and the JSON (expiry is still checked
    /// against `now` every time). Only successes are kept, so a bad token costs full price.
    private let verified = VerifiedTokens()

    /// - Parameter secret: the signing key, at least `secretBytesMin` bytes.
    /// - Throws: `AuthError.secretTooShort` when the key is shorter.
    public init(secret: some Collection<UInt8>) throws(AuthError) {
        guard secret.count >= Self.secretBytesMin else { throw AuthError.secretTooShort }
        self.secret = Array(secret)
    }

    /// - Parameter secret: the signing key as text, its UTF-8 at least `secretBytesMin` bytes.
    /// - Throws: `AuthError.secretTooShort` when the key is shorter.
    public init(secret: String) throws(AuthError) {
        try self.init(secret: Array(secret.utf8))
    }

    /// Issues a token for `userID` in `role`, valid for `ttl` from `now` (rounded down to the second).
    /// - Throws: `AuthError` `invalid_user` for a user id that could never verify, `invalid_ttl`
    ///   for a lifetime under one second or over `ttlSecondsMax`.
    public func issue(userID: String, role: Role, ttl: Duration, now: Date = Date()) throws(AuthError) -> String {
        guard Principal.isValidUserID(userID) else { throw AuthError.invalidUser(userID) }
        let ttlSeconds = ttl.components.seconds
        guard ttlSeconds >= 1, ttlSeconds <= Self.ttlSecondsMax else { throw AuthError.invalidTTL }
        let (exp, overflow) = Principal.seconds(now).addingReportingOverflow(ttlSeconds)
        guard !overflow else { throw AuthError.invalidTTL }
        let claims = TokenClaims(sub: userID, role: role.rawValue, exp: exp)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding three plain fields cannot fail; a failure here is a broken Foundation.
        guard let payload = try? encoder.encode(claims) else { preconditionFailure("token claims did not encode") }
        return sign(payload: Array(payload))
    }

    /// Verifies `token` and returns who it speaks for.
    /// - Throws: `AuthError` `missing_token` (empty), `malformed_token` (structure, encoding,
    ///   JSON shape, unknown role, invalid user id), `bad_signature`, `token_expired` (at or after `exp`).
    public func verify(_ token: String, now: Date = Date()) throws(AuthError) -> Principal {
        guard !token.isEmpty else { throw AuthError.missingToken }
        guard token.utf8.count <= Self.tokenBytesMax else { throw AuthError.malformedToken("too long") }
        if let principal = verified.principal(for: token) {
            guard principal.isValid(at: now) else { throw AuthError.tokenExpired }
            return principal
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw AuthError.malformedToken("expected payload.signature")
        }
        guard let payload = Base64URL.decode(parts[0]), let signature = Base64URL.decode(parts[1]) else {
            throw AuthError.malformedToken("not base64url")
        }
        let expected = HMACSHA256.mac(key: secret, message: Array(parts[0].utf8))
        guard HMACSHA256.constantTimeEqual(signature, expected) else { throw AuthError.badSignature }
        let principal = try Self.principal(fromPayload: payload)
        guard principal.isValid(at: now) else { throw AuthError.tokenExpired }
        verified.remember(token, principal)
        return principal
    }

    /// Signs raw payload bytes. Internal so tests can build validly signed tokens with bad payloads.
    func sign(payload: [UInt8]) -> String {
        let encodedPayload = Base64URL.encode(payload)
        let mac = HMACSHA256.mac(key: secret, message: Array(encodedPayload.utf8))
        return encodedPayload + "." + Base64URL.encode(mac)
    }

    private static func principal(fromPayload payload: [UInt8]) throws(AuthError) -> Principal {
        let claims: TokenClaims
        do {
            claims = try JSONDecoder().decode(TokenClaims.self, from: Data(payload))
        } catch {
            throw AuthError.malformedToken("payload is not the expected JSON")
        }
        guard let role = Role(rawValue: claims.role) else { throw AuthError.malformedToken("unknown role") }
        guard Principal.isValidUserID(claims.sub) else { throw AuthError.malformedToken("invalid user id") }
        return Principal(userID: claims.sub, role: role, expiresAtSeconds: claims.exp)
    }
}

/// The signed claims, exactly as they appear in a token's JSON payload.
struct TokenClaims: Codable {
    let sub: String
    let role: String
    let exp: Int64
}

/// The verified-token memory of one signer (bounded by `TokenSigner.verifiedCacheMax`).
private final class VerifiedTokens: Sendable {
    private let entries = Mutex<[String: Principal]>([:])

    func principal(for token: String) -> Principal? {
        entries.withLock { $0[token] }
    }

    func remember(_ token: String, _ principal: Principal) {
        entries.withLock { entries in
            if entries.count >= TokenSigner.verifiedCacheMax { entries.removeAll(keepingCapacity: true) }
            entries[token] = principal
        }
    }
}
