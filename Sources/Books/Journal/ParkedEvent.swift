
/// A journal entry a consumer failed on `maxAttempts` times, set aside so the consumer moves
/// on, kept until an operator retries it.
public struct ParkedEvent: Sendable, Equatable, Codable {
    /// Whether an operator retry has applied it yet.
    public enum Status: String, Sendable, Codable {
        /// Waiting for a retry.
        case parked
        /// Applied by a retry.
        case resolved
    }

    /// Row id, the handle for `ConsumerRunner.retry(parkedID:)`.
    public var id: Int64
    /// The consumer that failed.
    public var consumer: String
    /// The journal offset of the entry.
    public var offset: Int64
    /// The fact's place in its row: 0, or its index in a packed row.
    public var factIndex: Int
    /// The entry's type.
    public var type: String
    /// The last error, as text.
    public var error: String
    /// Failed attempts so far.
    public var attempts: Int
    /// When it was parked, in milliseconds since the Unix epoch.
    public var parkedAt: Int64
    /// Parked or resolved.
    public var status: Status
    /// When a retry applied it, in milliseconds since the Unix epoch.
    public var resolvedAt: Int64?

    package init(
        id: Int64, consumer: String, offset: Int64, factIndex: Int, type: String, error: String, attempts: Int,
        parkedAt: Int64, status: Status, resolvedAt: Int64?
    ) {
        self.id = id
        self.consumer = consumer
        self.offset = offset
        self.factIndex = factIndex
        self.type = type
        self.error = error
        self.attempts = attempts
        self.parkedAt = parkedAt
        self.status = status
        self.resolvedAt = resolvedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, consumer, offset, type, error, attempts, status
        case factIndex = "fact_index"
        case parkedAt = "parked_at"
        case resolvedAt = "resolved_at"
    }
}

/// The result of retrying a parked event.
public enum RetryOutcome: Sendable, Equatable {
    /// The consumer applied it; the event is now resolved.
    case resolved(ParkedEvent)
    /// The consumer failed again; the event stays parked with this error and attempt count.
    case failedAgain(ParkedEvent)
}

/// What one pass of a `ConsumerRunner` did.
public struct DrainReport: Sendable, Equatable {
    /// Entries applied.
    public var applied = 0
    /// Entries that failed and will be retried.
    public var failed = 0
    /// Entries parked after their last attempt.
    public var parked = 0
    /// Whether every consumer has reached the end of the journal.
    public var caughtUp = true

    /// Creates an empty report.
    public init() {}

    package mutating func add(_ other: DrainReport) {
        applied += other.applied
        failed += other.failed
        parked += other.parked
        caughtUp = caughtUp && other.caughtUp
    }
}
