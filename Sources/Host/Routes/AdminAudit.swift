import Engine
import Foundation
import GRDB

/// The audit trail of operator money changes: each ledger change commits with a journal fact
/// saying who did it and why.
struct AdminAudit: Sendable {
    let store: Store
    let ledger: Ledger

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

    /// The journal payload of an operator change.
    struct Fact: Codable {
        let by: String
        let reason: String
        let transfer: Transfer
    }

    /// Runs a ledger change and its audit fact in one transaction, stamped by the ledger's clock.
    ///
    /// A change refused on ledger state (funds, a closed or expired pending transfer...) still
    /// commits the ledger's record of the failed key, so a retry with the same key fails the
    /// same way instead of acting later; nothing else is written for it.
    /// - Parameters: type: the fact's journal type; key: the ledger id, also the fact's key.
    /// - Throws: `LedgerError`, `RequestError`, storage errors.
    func journaled(_ type: String, key: String, by: String, reason: String,
                   _ change: @escaping @Sendable (Database, Int64) throws -> Transfer) async throws -> Transfer {
        let now = ledger.clock.nowMillis()
        let outcome = try await store.write { db -> Result<Transfer, LedgerError> in
            let transfer: Transfer
            do {
                transfer = try change(db, now)
            } catch let error as LedgerError {
                return .failure(error)
            }
            _ = try Journal.append(db, type: type, payload: Fact(by: by, reason: reason, transfer: transfer), idempotencyKey: key, at: now)
            return .success(transfer)
        }
        return try outcome.get()
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
