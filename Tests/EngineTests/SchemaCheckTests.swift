import EngineTesting
import GRDB
@testable import Storage
import Testing

/// The schema's CHECK constraints name their allowed values as comparisons joined by OR: SQLite
/// evaluates an IN list of three or more constants by building a temporary index of it on every
/// insert (migrations v24 and v25).
@Suite("Schema checks")
struct SchemaCheckTests {
    @Test("no table checks its values with an IN list: an insert into any table of the schema builds no temporary index")
    func noTableBuildsATemporaryIndexOnInsert() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            // On the writer's connection: a reader's compiles no CHECK at all.
            let found = try await store.write { db in
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'
                    ORDER BY name
                    """)
                return try tables.map { table in
                    let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? ""
                    let opcodes = try Row.fetchAll(db, sql: "EXPLAIN INSERT INTO \"\(table)\" DEFAULT VALUES").map { $0["opcode"] as String }
                    return (table, sql, opcodes)
                }
            }
            #expect(found.count > 40, "the whole schema: \(found.map(\.0))")
            for (table, sql, opcodes) in found {
                #expect(opcodes.contains("Insert") || opcodes.contains("IdxInsert"), "\(table)")
                // A list of two is compiled to comparisons; three or more to a temporary index.
                #expect(!opcodes.contains("OpenEphemeral"), "\(table) builds a temporary index on every insert: \(sql)")
            }
        }
    }

    /// One row in each table v25 rebuilds, as v24 stored them.
    static let v24Rows = [
        "INSERT INTO moderation_words (id, word, category, action, score) VALUES (4, 'spam', 'ads', 'mask', 2)",
        "INSERT INTO privilege_products (id, kind, version, body, updated_at) VALUES ('vip-gold', 'vip', 3, '{}', 10)",
        "INSERT INTO queue_memberships (id, room_id, user_id, state, joined_at, game_at) VALUES (7, 'r1', 'v1', 'playing', 10, 20)",
        "INSERT INTO queue_facts (seq, room_id, user_id, action, actor, at, membership) VALUES (9, 'r1', 'v1', 'enter_game', 's1', 20, 7)",
        """
        INSERT INTO goods (id, streamer_id, body, for_viewer, state, score, matched, version, created_at, updated_at)
        VALUES (5, 's1', '{}', 'v1', 'in_review', 3, '[]', 1, 10, 11)
        """,
        "INSERT INTO settlement_months (month, state, updated_at) VALUES ('2027-01', 'pending_review', 10)",
        """
        INSERT INTO settlement_withdrawals (id, streamer_id, month, amount, transfer_id, state, requested_at)
        VALUES (3, 's1', '2027-01', 500, 'w-3', 'pending', 10)
        """,
    ]
    static let v25Tables = [
        "moderation_words", "privilege_products", "queue_memberships", "queue_facts", "goods", "settlement_months", "settlement_withdrawals",
    ]

    static func snapshot(_ db: Database) throws -> (rows: [[String: DatabaseValue]], indexes: [String]) {
        let rows = try v25Tables.flatMap { table in
            try Row.fetchAll(db, sql: "SELECT rowid AS row_id, * FROM \(table) ORDER BY rowid").map { row in
                Dictionary(uniqueKeysWithValues: row.columnNames.map { ("\(table).\($0)", row[$0] as DatabaseValue) })
            }
        }
        let marks = v25Tables.map { "'\($0)'" }.joined(separator: ", ")
        let indexes = try String.fetchAll(db, sql: "SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name IN (\(marks)) ORDER BY name")
        return (rows, indexes)
    }

    @Test("v25 keeps every row, rowid and index of the tables it rebuilds, and their checks still refuse a value outside the list")
    func v25KeepsRowsAndChecks() async throws {
        try await TemporaryDatabase.with { tmp in
            let v24 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v24, upTo: "v24_checks_without_in_lists")
            let before = try await v24.write { db in
                for sql in Self.v24Rows { try db.execute(sql: sql) }
                return try Self.snapshot(db)
            }
            try v24.close()
            #expect(before.rows.count == Self.v25Tables.count && before.indexes.count == 10)

            let store = try tmp.openStore()
            let after = try await store.read { db in try Self.snapshot(db) }
            #expect(after.rows == before.rows)
            #expect(after.indexes == before.indexes)

            for bad in [
                "INSERT INTO moderation_words (word, category, action) VALUES ('x', 'ads', 'hide')",
                "INSERT INTO privilege_products (id, kind, version, body, updated_at) VALUES ('p2', 'VIP', 1, '{}', 1)",
                "INSERT INTO queue_memberships (room_id, user_id, state, joined_at) VALUES ('r1', 'v2', 'queued', 1)",
                "INSERT INTO queue_facts (room_id, user_id, action, actor, at, membership) VALUES ('r1', 'v2', 'enter', 'v2', 1, 1)",
                "INSERT INTO goods (streamer_id, body, state, score, matched, version, created_at, updated_at) VALUES ('s1', '{}', 'sold', 0, '[]', 1, 1, 1)",
                "INSERT INTO settlement_months (month, state, updated_at) VALUES ('2027-02', 'closed', 1)",
                "INSERT INTO settlement_withdrawals (streamer_id, month, amount, transfer_id, state, requested_at) VALUES ('s1', '2027-01', 1, 'w-4', 'done', 1)",
            ] {
                await #expect(throws: DatabaseError.self, "\(bad)") { try await store.write { db in try db.execute(sql: bad) } }
            }
            let unchanged = try await store.read { db in try Self.snapshot(db) }
            #expect(unchanged.rows == before.rows)
        }
    }
}
