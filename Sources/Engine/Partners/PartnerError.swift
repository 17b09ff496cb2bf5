import EngineCore

/// Refused partner requests and partner registrations. Every case maps to one HTTP status in
/// the host; a signature problem is 401 whatever its cause, so a caller learns no more than
/// "not authenticated" (the code says which check failed, for the partner's own debugging).
public enum PartnerError: ShowrunnerError, Equatable {
    /// A signing header is absent or empty (names it).
    case missingHeader(String)
    /// `X-Timestamp` is not 1...`PartnerSignature.timestampBytesMax` digits, or is more than
    /// `PartnerSignature.windowSeconds` from the server's clock.
    case staleTimestamp
    /// `X-Nonce` is not 1...`PartnerSignature.nonceBytesMax` bytes of printable ASCII.
    case invalidNonce
    /// Unknown partner, or a signature that is not the expected MAC.
    case badSignature
    /// The nonce was already used by this partner within the window.
    case nonceReused
    /// A field of the body or path is out of its bounds (names the field).
    case invalid(String, String)
    /// The idempotency key (an order id or a refund id) was used with another body.
    case idempotencyConflict(String)
    /// No order with this id for this partner.
    case orderNotFound(String)
    /// The debit names a room that does not exist.
    case roomNotFound(String)
    /// The refund would take back more than the order debited.
    case refundExceedsDebit(remainingCoins: Int64, askedCoins: Int64)
    /// The order already has `PartnerOrders.refundsPerOrderMax` refunds.
    case tooManyRefunds(max: Int)
    /// A partner with this id is already registered.
    case partnerExists(String)
    /// The statement's day holds more rows than one answer may carry.
    case statementTooLarge(rowsMax: Int)

    public var code: String {
        switch self {
        case .missingHeader: "missing_signature"
        case .staleTimestamp: "stale_timestamp"
        case .invalidNonce: "invalid_nonce"
        case .badSignature: "bad_signature"
        case .nonceReused: "nonce_reused"
        case .invalid(let field, _): "invalid_\(field)"
        case .idempotencyConflict: "idempotency_conflict"
        case .orderNotFound: "order_not_found"
        case .roomNotFound: "room_not_found"
        case .refundExceedsDebit: "refund_exceeds_debit"
        case .tooManyRefunds: "too_many_refunds"
        case .partnerExists: "partner_exists"
        case .statementTooLarge: "statement_too_large"
        }
    }

    public var kind: ErrorKind {
        switch self {
        case .missingHeader, .staleTimestamp, .invalidNonce, .badSignature: .unauthorized
        case .nonceReused, .idempotencyConflict, .partnerExists: .conflict
        case .invalid: .badRequest
        case .orderNotFound, .roomNotFound: .notFound
        case .refundExceedsDebit, .tooManyRefunds, .statementTooLarge: .unprocessable
        }
    }

    public var message: String {
        switch self {
        case .missingHeader(let name): "the \(name) header is required"
        case .staleTimestamp:
            "X-Timestamp must be unix seconds (digits only) within \(PartnerSignature.windowSeconds)s of the server's clock"
        case .invalidNonce: "X-Nonce must be 1...\(PartnerSignature.nonceBytesMax) bytes of printable ASCII without spaces"
        case .badSignature: "unknown partner or a signature that does not match the request"
        case .nonceReused: "this nonce was already used within the timestamp window"
        case .invalid(let field, let why): "\(field): \(why)"
        case .idempotencyConflict(let key): "'\(key)' was already used with another body"
        case .orderNotFound(let id): "no order '\(id)' for this partner"
        case .roomNotFound(let id): "no room '\(id)'"
        case .refundExceedsDebit(let remaining, let asked):
            "a refund of \(asked) coins exceeds the \(remaining) coins of the order not yet refunded"
        case .tooManyRefunds(let max): "an order has at most \(max) refunds"
        case .partnerExists(let id): "partner '\(id)' is already registered"
        case .statementTooLarge(let rowsMax): "the day holds more than \(rowsMax) rows"
        }
    }
}
