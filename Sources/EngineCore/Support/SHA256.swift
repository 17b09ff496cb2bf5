import COpenSSL

/// SHA-256 through OpenSSL's libcrypto.
public enum SHA256 {
    /// The algorithm, fetched from the provider once: `EVP_sha256()` makes every digest look
    /// it up again, which cost more than hashing a gift's chain. Immutable once fetched and
    /// safe to share between threads (OpenSSL's rule for fetched algorithms).
    nonisolated(unsafe) private static let sha256: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { preconditionFailure("libcrypto has no SHA256") }
        return md
    }()

    /// The digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { input in
            EVP_Digest(input.baseAddress, input.count, &out, &length, sha256, nil)
        }
        precondition(ok == 1 && length == 32, "EVP_Digest(sha256) failed")
        return out
    }

    /// Lowercase hex of the digest.
    public static func hex(_ bytes: [UInt8]) -> String {
        // Not `String(format:)` per byte: that cost more than the digest on the gift path.
        Hex.encode(digest(bytes))
    }
}

#if canImport(Foundation)
    import Foundation
#endif
