/// A failure of a ledger operation: a stable `reason` (its raw value is the public `code`) and a
/// message for people.
///
/// A struct rather than an enum with payloads so that a failure recorded against an idempotency
/// key replays exactly (same code, same message) when the key is retried.
///
/// Kinds, as the host maps them: malformed input is `.badRequest`; a missing pending or transfer
/// is `.notFound`; a reused key with another body, a closed or expired pending and a second
/// reversal are `.conflict`; `insufficient_funds`, `amount_overflow`, `post_exceeds_pending` and
/// `transfer_not_reversible` are `.unprocessable` (well-formed, but the state forbids it).
public struct LedgerError: ShowrunnerError, Equatable {
    /// Why the operation failed.
    public enum Reason: String, Sendable, CaseIterable {
        case insufficientFunds = "insufficient_funds"
        case idempotencyConflict = "idempotency_conflict"
        case amountOverflow = "amount_overflow"
        case invalidAmount = "invalid_amount"
        case unknownAsset = "unknown_asset"
        case invalidAsset = "invalid_asset"
        case invalidAccount = "invalid_account"
        case sameAccount = "same_account"
        case invalidIdempotencyKey = "invalid_idempotency_key"
        case invalidCode = "invalid_code"
        case invalidMemo = "invalid_memo"
        case invalidChain = "invalid_chain"
        case invalidTimeout = "invalid_timeout"
        case pendingNotFound = "pending_not_found"
        case pendingAlreadyClosed = "pending_already_closed"
        case pendingExpired = "pending_expired"
        case postExceedsPending = "post_exceeds_pending"
        case alreadyReversed = "already_reversed"
        case transferNotFound = "transfer_not_found"
        case transferNotReversible = "transfer_not_reversible"
        case invalidLimit = "invalid_limit"
        case invalidCursor = "invalid_cursor"

        /// The category the host maps to a status.
        public var kind: ErrorKind {
            switch self {
            case .pendingNotFound, .transferNotFound: .notFound
            case .idempotencyConflict, .pendingAlreadyClosed, .pendingExpired, .alreadyReversed: .conflict
            case .insufficientFunds, .amountOverflow, .postExceedsPending, .transferNotReversible: .unprocessable
            default: .badRequest
            }
        }

        /// Whether the failure depends on ledger state, and so is recorded against the chain's
        /// idempotency keys (a retry with the same keys fails the same way). Input errors are not
        /// recorded: the same input fails the same way anyway.
        var isRecorded: Bool {
            switch self {
            case .insufficientFunds, .amountOverflow, .pendingNotFound, .pendingAlreadyClosed,
                .pendingExpired, .postExceedsPending, .alreadyReversed, .transferNotFound,
                .transferNotReversible:
                true
            default: false
            }
        }
    }

    /// Why the operation failed.
    public let reason: Reason
    /// A sentence for people.
    public let message: String

    /// Stable machine code, e.g. `insufficient_funds`.
    public var code: String { reason.rawValue }
    /// The category the host maps to a status.
    public var kind: ErrorKind { reason.kind }

    /// Creates an error.
    /// - Parameters: reason: the machine reason; message: the text for people.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}
