@testable import Books
import EngineTesting
import GRDB
import Testing
@testable import Engine

@Suite struct JournalTests {
    @Test func appendsFactsWithIncreasingOffsets() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            #expect(try await store.read(Journal.latestOffset) == 0)
            let first = try await store.write { db in try Journal.append(db, type: "gift", payload: Counter(i: 7), at: 1000) }
            let second = try await store.write { db in try Journal.append(db, type: "danmaku", payloadJSON: "{\"text\":\"hi\"}", at: 1001) }
            #expect(first == JournalEntry(offset: 1, type: "gift", payload: "{\"i\":7}", createdAt: 1000, idempotencyKey: nil))
            #expect(second.offset == 2)
            #expect(try first.decodePayload(as: Counter.self) == Counter(i: 7))
            #expect(throws: JournalError.self) { try second.decodePayload(as: Counter.self) }
            #expect(try await store.read(Journal.latestOffset) == 2)
            #expect(try await store.read { db in try Journal.entry(db, at: 2) } == second)
        }
    }

    @Test("a seed from an origin's parts equals the seed of the whole origin")
    func seedFromParts() {
        for offset: Int64 in [0, 1, 42, 1_234_567_890_123, -7] {
            #expect(Seeds.seed(offset: offset, prefix: "activity:spring-gala:", suffix: ":on.gift")
                == Seeds.seed(offset: offset, name: "activity:spring-gala:\(offset):on.gift"))
            #expect(Seeds.seed(offset: offset, prefix: "task:daily-gifts:", suffix: "")
                == Seeds.seed(offset: offset, name: "task:daily-gifts:\(offset)"))
        }
    }

    @Test func anExistingIdempotencyKeyReturnsTheOriginalEntryUnchanged() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let original = try await store.write { db in
                try Journal.append(db, type: "topup", payload: Counter(i: 1), idempotencyKey: "req-1", at: 10)
            }
            let again = try await store.write { db in
                try Journal.append(db, type: "other", payload: Counter(i: 2), idempotencyKey: "req-1", at: 20)
            }
            #expect(again == original)
            #expect(again.idempotencyKey == "req-1")
            #expect(try await store.journalCount() == 1)
        }
    }

    @Test func readsAfterAnOffsetWithTypeFilterAndLimit() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in
                for (i, type) in ["gift", "danmaku", "gift", "enter", "gift", "danmaku"].enumerated() {
                    _ = try Journal.append(db, type: type, payload: Counter(i: i), at: 1)
                }
            }
            let gifts = try await store.read { db in try Journal.read(db, after: 0, limit: 10, types: ["gift"]) }
            #expect(gifts.map(\.offset) == [1, 3, 5])
            let mixed = try await store.read { db in try Journal.read(db, after: 1, limit: 2, types: ["gift", "enter"]) }
            #expect(mixed.map(\.offset) == [3, 4])
            let none = try await store.read { db in try Journal.read(db, after: 0, limit: 10, types: []) }
            #expect(none.isEmpty)
            let tail = try await store.read { db in try Journal.read(db, after: 4, limit: 10) }
            #expect(tail.map(\.type) == ["gift", "danmaku"])
        }
    }

    @Test func rejectsBadInputWithTypedErrors() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let cases: [(@Sendable (Database) throws -> JournalEntry, String)] = [
                ({ db in try Journal.append(db, type: "", payloadJSON: "{}", at: 1) }, "invalid_journal_type"),
                ({ db in try Journal.append(db, type: String(repeating: "t", count: 65), payloadJSON: "{}", at: 1) }, "invalid_journal_type"),
                ({ db in try Journal.append(db, type: "t", payloadJSON: "{nope", at: 1) }, "invalid_journal_payload"),
                ({ db in try Journal.append(db, type: "t", payloadJSON: "\"" + String(repeating: "x", count: 65536) + "\"", at: 1) }, "journal_payload_too_large"),
                ({ db in try Journal.append(db, type: "t", payloadJSON: "{}", idempotencyKey: "", at: 1) }, "invalid_idempotency_key"),
            ]
            for (op, code) in cases {
                await #expect { try await store.write(op) } throws: { ($0 as? JournalError)?.code == code }
            }
            for limit in [0, Journal.readLimitMax + 1] {
                await #expect(throws: JournalError.invalidLimit(limit, max: Journal.readLimitMax)) {
                    try await store.read { db in try Journal.read(db, after: 0, limit: limit) }
                }
            }
            #expect(try await store.journalCount() == 0)
        }
    }
}
