import EngineCore

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
        /// The debit account's available balance is below the amount.
        case insufficientFunds = "insufficient_funds"
        /// An idempotency key was used before with another body.
        case idempotencyConflict = "idempotency_conflict"
        /// A balance or reservation total would leave the `Int64` range.
        case amountOverflow = "amount_overflow"
        /// An amount is zero or negative.
        case invalidAmount = "invalid_amount"
        /// The asset is neither built in nor declared.
        case unknownAsset = "unknown_asset"
        /// A declared asset id is malformed or repeated.
        case invalidAsset = "invalid_asset"
        /// An account id is malformed or holds another asset than the transfer.
        case invalidAccount = "invalid_account"
        /// Debit and credit are the same account.
        case sameAccount = "same_account"
        /// An id is empty, too long, not printable ASCII, or starts with `~`.
        case invalidIdempotencyKey = "invalid_idempotency_key"
        /// A reason code is malformed.
        case invalidCode = "invalid_code"
        /// A memo or reversal reason is too long.
        case invalidMemo = "invalid_memo"
        /// A chain is empty, too long, or repeats an id.
        case invalidChain = "invalid_chain"
        /// A pending timeout is out of range.
        case invalidTimeout = "invalid_timeout"
        /// No pending transfer has this id.
        case pendingNotFound = "pending_not_found"
        /// The pending transfer was already posted or voided.
        case pendingAlreadyClosed = "pending_already_closed"
        /// The pending transfer expired on the ledger's clock.
        case pendingExpired = "pending_expired"
        /// A post asks for more than the pending amount.
        case postExceedsPending = "post_exceeds_pending"
        /// The transfer was already reversed.
        case alreadyReversed = "already_reversed"
        /// No transfer has this id.
        case transferNotFound = "transfer_not_found"
        /// The transfer moved no money (pending, void, expire).
        case transferNotReversible = "transfer_not_reversible"
        /// A page limit is out of range.
        case invalidLimit = "invalid_limit"
        /// A cursor was not handed out by this ledger.
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
        package var isRecorded: Bool {
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
