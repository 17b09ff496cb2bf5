/// Appends facts to the journal in a transaction of their own: for a domain whose change is the
/// fact itself (a partner's message, a viewer's entry), with nothing else to write beside it.
///
/// For implementers: `append` is one transaction: the facts in order, at `now`, or none of
/// them. A fact whose idempotency key the journal already holds is not appended again. It
/// answers each fact's offset, in order: the new one, or for a known key the existing one. It
/// refuses what `Journal.append` refuses (a bad type, key or payload) with its `JournalError`. Every backend runs
/// `JournalStoreConformanceTests`.
public protocol JournalStore: Sendable {
    func append(_ facts: [JournalFact], at now: Int64) async throws -> [Int64]
}

/// A fact to append: its type, its payload as JSON text (an object), an optional key.
public struct JournalFact: Sendable, Equatable {
    public let type: String
    public let payloadJSON: String
    public let idempotencyKey: String?

    public init(type: String, payloadJSON: String, idempotencyKey: String? = nil) {
        self.type = type
        self.payloadJSON = payloadJSON
        self.idempotencyKey = idempotencyKey
    }
}
