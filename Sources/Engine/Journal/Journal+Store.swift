import GRDB

/// A fact to journal on its own, outside any other change (`Journal.record`).
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

extension Journal {
    /// Appends `facts` in one write transaction (a fact whose key is already journaled is kept
    /// as it was). For facts that go with no other change: a viewer entering a room, a minute
    /// watched. Changes with effects append their facts in their own transaction instead.
    /// - Throws: `JournalError` for a bad type or payload; storage errors.
    public static func record<Payload: Encodable & Sendable>(_ facts: [NewFact<Payload>], in store: Store, at now: Int64) async throws {
        guard !facts.isEmpty else { return }
        try await store.write { db in
            for fact in facts {
                _ = try append(db, type: fact.type, payload: fact.payload, idempotencyKey: fact.idempotencyKey, at: now)
            }
        }
    }
}
