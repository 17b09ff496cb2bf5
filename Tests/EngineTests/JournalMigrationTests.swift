@testable import Books
import EngineTesting
import GRDB
@testable import Storage
import Testing
@testable import Engine

@Suite("Journal schema migrations")
struct JournalMigrationTests {
    /// Every journal row, column by column, by offset.
    static func rows(_ db: Database) throws -> [[String: DatabaseValue]] {
        try Row.fetchAll(db, sql: "SELECT * FROM journal ORDER BY offset").map { row in
            Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
        }
    }

    static func indexes(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' ORDER BY name")
    }

    @Test("v17 drops AUTOINCREMENT and keeps every row, offset, column and index; the next offset is one past the largest")
    func withoutAutoincrement() async throws {
        try await TemporaryDatabase.with { tmp in
            let v16 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v16, upTo: "v16_packed_facts")
            let (before, indexesBefore) = try await v16.write { db in
                // A gap (offset 3 missing), a keyed fact, a gift's payer and payee, a packed row.
                try db.execute(sql: "INSERT INTO journal (offset, type, payload, created_at) VALUES (1, 'enter', '{}', 10)")
                try db.execute(sql: """
                    INSERT INTO journal (offset, type, payload, created_at, idempotency_key, payer, payee)
                    VALUES (2, 'gift', '{"a":1}', 11, 'gift:v1:k', 'user:v1', 'user:s1')
                    """)
                try db.execute(sql: """
                    INSERT INTO journal (offset, type, payload, created_at, facts)
                    VALUES (4, 'task_completed', '[{},{}]', 12, 2)
                    """)
                try db.execute(sql: """
                    INSERT INTO journal (offset, type, payload, created_at) VALUES (5, 'danmaku', '{"room":"r1"}', 13)
                    """)
                return (try Self.rows(db), try Self.indexes(db))
            }
            try Migrations.migrator().migrate(v16, upTo: "v17_journal_without_autoincrement")
            let (after, indexesAfter, schema, sequence, plan) = try await v16.read { db in
                (try Self.rows(db), try Self.indexes(db),
                 try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'journal'") ?? "",
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_sequence WHERE name LIKE 'journal%'") ?? -1,
                 try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT offset FROM journal WHERE payer = ? ORDER BY offset DESC", arguments: ["user:v1"])
                    .map { $0["detail"] as String }.joined())
            }
            try v16.close()
            #expect(after == before && after.count == 4)
            #expect(indexesAfter == indexesBefore)
            #expect(indexesAfter.contains("journal_payer") && indexesAfter.contains("journal_payee")
                && indexesAfter.contains("journal_type_offset") && indexesAfter.contains("journal_danmaku_room"))
            #expect(!schema.uppercased().contains("AUTOINCREMENT"))
            #expect(sequence == 0)
            #expect(plan.contains("journal_payer"))

            // Appends go on from the largest offset, and keys stay unique.
            let store = try tmp.openStore()
            let next = try await store.write { db in try Journal.append(db, type: "enter", payload: ["user_id": "v2"], at: 20) }
            #expect(next.offset == 6)
            await #expect(throws: DatabaseError.self) {
                try await store.write { db in
                    try db.execute(sql: "INSERT INTO journal (type, payload, created_at, idempotency_key) VALUES ('x', '{}', 1, 'gift:v1:k')")
                }
            }
        }
    }

    @Test("v18 moves each account's gift rows from two journal indexes to its history (paged by v20), and its consumer starts after them")
    func accountHistory() async throws {
        try await TemporaryDatabase.with { tmp in
            let v17 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v17, upTo: "v17_journal_without_autoincrement")
            let before = try await v17.write { db in
                try db.execute(sql: "INSERT INTO journal (offset, type, payload, created_at) VALUES (1, 'enter', '{}', 10)")
                try db.execute(sql: """
                    INSERT INTO journal (offset, type, payload, created_at, idempotency_key, payer, payee) VALUES
                        (2, 'gift', '{"a":1}', 11, 'gift:v1:k', 'user:v1:coins', 'user:s1:revenue'),
                        (3, 'gift', '{"a":2}', 12, 'gift:v2:k', 'user:v2:coins', NULL),
                        (5, 'gift', '{"a":3}', 13, 'gift:v1:k2', 'user:v1:coins', 'user:s1:revenue')
                    """)
                return try Self.rows(db)
            }
            try v17.close()
            let store = try tmp.openStore()
            let (after, indexes, projected, cursor, plan) = try await store.read { db in
                (try Self.rows(db), try Self.indexes(db),
                 try Row.fetchAll(db, sql: "SELECT account, offsets FROM account_history_pages ORDER BY account, last").map { "\($0[0] as String) \($0[1] as String)" },
                 try SQLiteAccountHistory.cursor(db),
                 try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT offsets FROM account_history_pages WHERE account = ? AND last <= ? ORDER BY last DESC",
                    arguments: ["user:v1:coins", 5])
                    .map { $0["detail"] as String }.joined())
            }
            // v19 adds `gift_key` (NULL for these rows); every other column is as it was.
            #expect(after.map { $0.filter { $0.key != "gift_key" } } == before, "the journal's rows are untouched")
            #expect(!indexes.contains("journal_payer") && !indexes.contains("journal_payee") && indexes.contains("journal_type_offset"))
            #expect(projected == ["user:s1:revenue 2,5", "user:v1:coins 2,5", "user:v2:coins 3"])
            #expect(cursor == 5)
            #expect(plan.contains("USING PRIMARY KEY"), "read by its key: \(plan)")
        }
    }

    @Test("an append rolled back leaves no gap: the next append takes its offset")
    func rolledBackAppend() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let first = try await store.write { db in try Journal.append(db, type: "enter", payload: ["user_id": "a"], at: 1) }
            await #expect(throws: (any Error).self) {
                try await store.write { db -> Void in
                    _ = try Journal.append(db, type: "enter", payload: ["user_id": "b"], at: 2)
                    throw DatabaseError(resultCode: .SQLITE_ABORT, message: "abandoned")
                }
            }
            let second = try await store.write { db in try Journal.append(db, type: "enter", payload: ["user_id": "c"], at: 3) }
            #expect(second.offset == first.offset + 1)
        }
    }
}
