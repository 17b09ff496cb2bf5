import Books
import Engine
import GRDB

/// `JournalStore` on the SQLite store.
public struct SQLiteJournalStore: JournalStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func append(_ facts: [JournalFact], at now: Int64) async throws -> [Int64] {
        guard !facts.isEmpty else { return [] }
        return try await store.write { db in
            try facts.map { fact in
                try Journal.append(db, type: fact.type, payloadJSON: fact.payloadJSON, idempotencyKey: fact.idempotencyKey, at: now).offset
            }
        }
    }
}
