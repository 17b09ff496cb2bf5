import COpenSSL

/// SHA-256 through OpenSSL's libcrypto.
public enum SHA256 {
    /// The digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { input in
            EVP_Digest(input.baseAddress, input.count, &out, &length, EVP_sha256(), nil)
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
