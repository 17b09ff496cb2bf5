import Engine
import EngineCore
import Foundation

/// The HTTP side of operator money changes: their bodies, keys and reasons. The change and its
/// audit fact (who and why) commit together in the engine (`Ledger.audited`).
enum AdminAudit {
    /// The body of an operator change that only needs why and a key: a reversal, a void.
    struct ReasonBody: StrictDecodable {
        static let allowedKeys: Set<String> = ["reason", "idempotency_key"]
        let reason: String
        let idempotencyKey: String
        enum CodingKeys: String, CodingKey {
            case reason
            case idempotencyKey = "idempotency_key"
        }
    }

    /// Longest key an operator may give: the ledger id is a prefix (`admin-grant:`...) and the key.
    static let keyBytesMax = 100

    /// The ledger id for an operator's key: `prefix:key`.
    /// - Throws: `RequestError` 400 `invalid_idempotency_key` unless the key is 1-`keyBytesMax`
    ///   bytes of printable ASCII without spaces.
    static func ledgerID(_ prefix: String, key: String) throws -> String {
        let bytes = Array(key.utf8)
        guard (1...keyBytesMax).contains(bytes.count), bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw RequestError("invalid_idempotency_key", .badRequest,
                "idempotency_key must be 1-\(keyBytesMax) bytes of printable ASCII without spaces")
        }
        return "\(prefix):\(key)"
    }

    /// Checks an operator's reason: 1-200 bytes, not only spaces.
    /// - Throws: `RequestError` 400 `invalid_reason`.
    static func checkReason(_ reason: String) throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty, reason.utf8.count <= 200 else {
            throw RequestError("invalid_reason", .badRequest, "reason must be 1-200 bytes")
        }
    }
}
