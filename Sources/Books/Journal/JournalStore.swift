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

extension JournalStore {
    /// Appends `facts` in one transaction, their payloads encoded as `Journal.append` encodes
    /// them (keys sorted, slashes not escaped). For facts that go with no other change: a viewer
    /// entering a room, a minute watched.
    /// - Throws: `JournalError` for a payload that does not encode, and what `append` throws.
    @discardableResult
    public func record<Payload: Encodable & Sendable>(_ facts: [NewFact<Payload>], at now: Int64) async throws -> [Int64] {
        let encoded = try facts.map { fact in
            JournalFact(type: fact.type, payloadJSON: try Journal.payloadJSON(fact.payload), idempotencyKey: fact.idempotencyKey)
        }
        return try await append(encoded, at: now)
    }
}

/// A fact to journal on its own, its payload a value to encode (`JournalStore.record`).
public struct NewFact<Payload: Encodable & Sendable>: Sendable {
    public let type: String
    public let payload: Payload
    public let idempotencyKey: String?

    public init(type: String, payload: Payload, idempotencyKey: String? = nil) {
        self.type = type
        self.payload = payload
        self.idempotencyKey = idempotencyKey
    }
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
