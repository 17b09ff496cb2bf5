import EngineCore

/// One step of a linked chain: a transfer, a two-phase step, or a reversal. Each carries its own
/// idempotency key (`id`).
public enum LedgerOperation: Sendable, Hashable {
    /// Moves money now.
    case transfer(TransferRequest)
    /// Reserves money: it counts against the debit account's available balance but moves only
    /// when posted; released by a void or when `timeoutMillis` passes on the ledger's clock.
    case pending(TransferRequest, timeoutMillis: Int64)
    /// Moves `amount` (the whole pending amount when nil) of a pending transfer and releases the rest.
    case post(id: String, pendingID: String, amount: Int64? = nil)
    /// Releases a pending transfer without moving anything.
    case void(id: String, pendingID: String)
    /// Moves the amount of a posted transfer back, referencing it; `reason` becomes the memo.
    case reverse(id: String, transferID: String, reason: String)

    /// The operation's idempotency key.
    public var id: String {
        switch self {
        case .transfer(let request), .pending(let request, _): request.id
        case .post(let id, _, _), .void(let id, _), .reverse(let id, _, _): id
        }
    }

    /// The reason code stored for reversals.
    public static let reversalCode = "reversal"

    /// A canonical, length-prefixed text of the operation: equal bodies, equal text.
    var canonical: String {
        func field(_ text: String) -> String { "\(text.utf8.count):\(text)" }
        switch self {
        case .transfer(let r):
            return ["T", r.id, r.debit.description, r.credit.description, r.asset, "\(r.amount)", r.code, r.memo].map(field).joined()
        case .pending(let r, let timeout):
            return ["P", r.id, r.debit.description, r.credit.description, r.asset, "\(r.amount)", r.code, r.memo, "\(timeout)"]
                .map(field).joined()
        case .post(let id, let pendingID, let amount):
            return ["S", id, pendingID, amount.map { "\($0)" } ?? "all"].map(field).joined()
        case .void(let id, let pendingID):
            return ["V", id, pendingID].map(field).joined()
        case .reverse(let id, let transferID, let reason):
            return ["R", id, transferID, reason].map(field).joined()
        }
    }

    /// SHA-256 of the whole chain's canonical text: the body an idempotency key is bound to.
    static func bodyHash(_ chain: [LedgerOperation]) -> String {
        SHA256.hex(Array(chain.map(\.canonical).joined(separator: "|").utf8))
    }
}
