import COpenSSL

/// HMAC-SHA256 (RFC 2104) through OpenSSL's libcrypto, plus a constant-time comparison.
///
/// General on purpose: it signs session tokens today and verifies payment-provider callbacks
/// later, so it takes any byte collection for key and message.
public enum HMACSHA256 {
    /// Length of a SHA-256 MAC in bytes.
    public static let macBytes = 32

    /// Computes HMAC-SHA256 of `message` under `key`.
    /// - Parameters:
    ///   - key: secret key bytes, any length (keys longer than 64 bytes are hashed, per RFC 2104).
    ///   - message: the bytes to authenticate.
    /// - Returns: the 32-byte MAC.
    public static func mac(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        let keyBytes = Array(key)
        let messageBytes = Array(message)
        precondition(keyBytes.count <= Int(Int32.max), "HMAC key longer than Int32.max bytes")
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outCount: UInt32 = 0
        // OpenSSL dislikes NULL pointers even for empty input, so give it a real address.
        let placeholder: [UInt8] = [0]
        let result = withNonNullBytes(keyBytes, placeholder) { keyPointer in
            withNonNullBytes(messageBytes, placeholder) { messagePointer in
                out.withUnsafeMutableBufferPointer { outPointer in
                    HMAC(
                        EVP_sha256(), keyPointer, Int32(keyBytes.count),
                        messagePointer, messageBytes.count,
                        outPointer.baseAddress, &outCount
                    )
                }
            }
        }
        precondition(result != nil && Int(outCount) == macBytes, "OpenSSL HMAC-SHA256 failed")
        return Array(out.prefix(macBytes))
    }

    /// Compares two byte strings in time that depends only on their length, never on where they
    /// differ (`CRYPTO_memcmp`). Lengths are not secret: different lengths return `false` at once.
    /// - Returns: `true` when both hold exactly the same bytes.
    public static func constantTimeEqual(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        let left = Array(lhs)
        let right = Array(rhs)
        guard left.count == right.count else { return false }
        guard !left.isEmpty else { return true }
        return left.withUnsafeBytes { leftPointer in
            right.withUnsafeBytes { rightPointer in
                CRYPTO_memcmp(leftPointer.baseAddress, rightPointer.baseAddress, left.count) == 0
            }
        }
    }

    private static func withNonNullBytes<R>(
        _ bytes: [UInt8], _ placeholder: [UInt8], _ body: (UnsafePointer<UInt8>) -> R
    ) -> R {
        let source = bytes.isEmpty ? placeholder : bytes
        return source.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
