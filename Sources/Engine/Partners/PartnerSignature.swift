import EngineCore

/// How a partner signs a request, and the checks of the signing headers that need no database.
///
/// The signature is the lowercase (either case accepted) hex HMAC-SHA256, keyed with the
/// partner's secret, of the canonical string
/// ```
/// METHOD \n PATH_WITH_QUERY \n TIMESTAMP \n NONCE \n BODY
/// ```
/// (joined by single `\n` bytes, no spaces): the method in capitals, the request target exactly
/// as sent (path and `?query`, not decoded), `X-Timestamp`, `X-Nonce`, and the raw body bytes
/// (empty for a GET).
public enum PartnerSignature {
    /// How far `X-Timestamp` may be from the server's clock, either way, in seconds; also how
    /// long a nonce is remembered.
    public static let windowSeconds: Int64 = 300
    /// Longest `X-Timestamp`, in bytes (whole seconds since 1970, digits only).
    public static let timestampBytesMax = 12
    /// Longest `X-Nonce`, in bytes.
    public static let nonceBytesMax = 64
    /// Length of a signature in hex characters.
    public static let signatureHexBytes = HMACSHA256.macBytes * 2

    /// The bytes a partner signs.
    public static func canonical(method: String, pathWithQuery: String, timestamp: String, nonce: String, body: [UInt8]) -> [UInt8] {
        let newline = UInt8(ascii: "\n")
        var bytes = Array(method.utf8)
        bytes.append(newline)
        bytes += pathWithQuery.utf8
        bytes.append(newline)
        bytes += timestamp.utf8
        bytes.append(newline)
        bytes += nonce.utf8
        bytes.append(newline)
        bytes += body
        return bytes
    }

    /// The signature of a request (lowercase hex).
    public static func sign(secret: String, method: String, pathWithQuery: String, timestamp: String, nonce: String, body: [UInt8]) -> String {
        let message = canonical(method: method, pathWithQuery: pathWithQuery, timestamp: timestamp, nonce: nonce, body: body)
        return Hex.encode(HMACSHA256.mac(key: Array(secret.utf8), message: message))
    }

    /// The timestamp's seconds once it is digits only, bounded, and inside the window around `nowMillis`.
    /// - Throws: `PartnerError.staleTimestamp`.
    static func seconds(_ timestamp: String, nowMillis: Int64) throws(PartnerError) -> Int64 {
        let digits = timestamp.utf8
        guard (1...timestampBytesMax).contains(digits.count),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let seconds = Int64(timestamp)
        else { throw .staleTimestamp }
        // Twelve digits and the clock's seconds cannot overflow; reported anyway, never trapped.
        let (skew, overflow) = (nowMillis / 1000).subtractingReportingOverflow(seconds)
        guard !overflow, skew.magnitude <= windowSeconds.magnitude else { throw .staleTimestamp }
        return seconds
    }

    /// Whether `nonce` is 1...`nonceBytesMax` bytes of printable ASCII without spaces.
    static func isValidNonce(_ nonce: String) -> Bool {
        (1...nonceBytesMax).contains(nonce.utf8.count) && nonce.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// Compares `given` with the expected signature in constant time (for equal lengths).
    static func matches(secret: String, request: PartnerSignedRequest) -> Bool {
        let given = Array(request.signature.lowercased().utf8)
        guard given.count == signatureHexBytes else { return false }
        let expected = sign(
            secret: secret, method: request.method, pathWithQuery: request.pathWithQuery, timestamp: request.timestamp,
            nonce: request.nonce, body: request.body)
        return HMACSHA256.constantTimeEqual(Array(expected.utf8), given)
    }
}

/// A partner request as the host received it: what the signature covers and the signing headers.
public struct PartnerSignedRequest: Sendable {
    public var method: String
    public var pathWithQuery: String
    public var body: [UInt8]
    public var partnerID: String
    public var timestamp: String
    public var nonce: String
    public var signature: String

    /// Reads the signing headers; a missing or empty one is refused.
    /// - Throws: `PartnerError.missingHeader`.
    public init(
        method: String, pathWithQuery: String, body: [UInt8], partnerID: String?, timestamp: String?, nonce: String?,
        signature: String?
    ) throws(PartnerError) {
        func required(_ value: String?, _ name: String) throws(PartnerError) -> String {
            guard let value, !value.isEmpty else { throw .missingHeader(name) }
            return value
        }
        self.method = method
        self.pathWithQuery = pathWithQuery
        self.body = body
        self.partnerID = try required(partnerID, "X-Partner-Id")
        self.timestamp = try required(timestamp, "X-Timestamp")
        self.nonce = try required(nonce, "X-Nonce")
        self.signature = try required(signature, "X-Signature")
    }
}
