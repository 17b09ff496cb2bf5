import EngineCore

/// Failures of the journal and of its consumers' bookkeeping.
public enum JournalError: ShowrunnerError, Equatable {
    /// The entry type is empty or longer than `Journal.typeBytesMax`.
    case invalidType(String)
    /// The payload is not valid JSON, or does not decode to the requested type.
    case invalidPayload(reason: String)
    /// The payload is longer than `Journal.payloadBytesMax`.
    case payloadTooLarge(bytes: Int, max: Int)
    /// The idempotency key is empty or longer than `Journal.idempotencyKeyBytesMax`.
    case invalidIdempotencyKey
    /// A read limit outside 1...max.
    case invalidLimit(Int, max: Int)
    /// No parked event has this id.
    case parkedEventNotFound(id: Int64)
    /// The parked event was already resolved by an earlier retry.
    case parkedEventAlreadyResolved(id: Int64)
    /// The parked event names a consumer this runner does not run.
    case unknownConsumer(String)

    /// Stable machine code.
    public var code: String {
        switch self {
        case .invalidType: "invalid_journal_type"
        case .invalidPayload: "invalid_journal_payload"
        case .payloadTooLarge: "journal_payload_too_large"
        case .invalidIdempotencyKey: "invalid_idempotency_key"
        case .invalidLimit: "invalid_limit"
        case .parkedEventNotFound: "parked_event_not_found"
        case .parkedEventAlreadyResolved: "parked_event_already_resolved"
        case .unknownConsumer: "unknown_consumer"
        }
    }

    /// The category the host maps to a status.
    public var kind: ErrorKind {
        switch self {
        case .invalidType, .invalidPayload, .invalidIdempotencyKey, .invalidLimit: .badRequest
        case .payloadTooLarge: .payloadTooLarge
        case .parkedEventNotFound: .notFound
        case .parkedEventAlreadyResolved: .conflict
        case .unknownConsumer: .unprocessable
        }
    }

    /// A sentence for people.
    public var message: String {
        switch self {
        case .invalidType(let type): "journal entry type must be 1-\(Journal.typeBytesMax) bytes, got '\(type.prefix(80))'"
        case .invalidPayload(let reason): "journal payload is invalid: \(reason)"
        case .payloadTooLarge(let bytes, let max): "journal payload is \(bytes) bytes, more than \(max)"
        case .invalidIdempotencyKey: "idempotency key must be 1-\(Journal.idempotencyKeyBytesMax) bytes"
        case .invalidLimit(let limit, let max): "limit must be between 1 and \(max), got \(limit)"
        case .parkedEventNotFound(let id): "no parked event \(id)"
        case .parkedEventAlreadyResolved(let id): "parked event \(id) is already resolved"
        case .unknownConsumer(let name): "no consumer named '\(name)' runs here"
        }
    }
}
