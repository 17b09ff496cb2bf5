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

    /// Account rows for `ids` (text keys `kind:owner:asset`), in a schema before v21, as the
    /// ledger had made them before a gift named them.
    static func seedAccounts(_ db: Database, _ ids: [String]) throws {
        for id in ids {
            let parts = id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            try db.execute(
                sql: "INSERT INTO ledger_accounts (id, asset, owner_kind, owner, balance, created_at) VALUES (?, ?, ?, ?, 0, 1)",
                arguments: [id, parts.count > 2 ? parts[2] : "", parts[0], parts[1]])
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
                try Self.seedAccounts(db, ["user:v1", "user:s1"])
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
                try Self.seedAccounts(db, ["user:s1:revenue", "user:v1:coins", "user:v2:coins"])
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
                 try Row.fetchAll(db, sql: """
                    SELECT a.id, p.offsets FROM account_history_pages p JOIN ledger_accounts a ON a.num = p.account ORDER BY a.id, p.last
                    """).map { "\($0[0] as String) \($0[1] as String)" },
                 try SQLiteAccountHistory.cursor(db),
                 try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT offsets FROM account_history_pages WHERE account = ? AND last <= ? ORDER BY last DESC",
                    arguments: [2, 5])
                    .map { $0["detail"] as String }.joined())
            }
            // v19 adds `gift_key` (NULL for these rows); v21 names the accounts by number (the
            // order they were made in); every other column is as it was.
            let numbers: [String: Int64] = ["user:s1:revenue": 1, "user:v1:coins": 2, "user:v2:coins": 3]
            let numbered = before.map { row in
                row.mapValues { value in (String.fromDatabaseValue(value).flatMap { numbers[$0] }).map { $0.databaseValue } ?? value }
            }
            #expect(after.map { $0.filter { $0.key != "gift_key" } } == numbered, "the journal's rows are untouched but for account numbers")
            #expect(!indexes.contains("journal_payer") && !indexes.contains("journal_payee") && indexes.contains("journal_type_offset"))
            #expect(projected == ["user:s1:revenue 2,5", "user:v1:coins 2,5", "user:v2:coins 3"])
            #expect(cursor == 5)
            #expect(plan.contains("USING PRIMARY KEY"), "read by its key: \(plan)")
        }
    }

    @Test("v21 numbers every account as its rowid was, and the journal's payers and payees and the history pages by those numbers")
    func integerAccountKeys() async throws {
        try await TemporaryDatabase.with { tmp in
            let v20 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v20, upTo: "v20_account_history_pages")
            let rowids = try await v20.write { db in
                // Rowids with a gap (one account deleted), so numbers are not just positions.
                try Self.seedAccounts(db, ["user:v1:coins", "user:gone:coins", "user:s1:revenue", "system:platform_fees:coins"])
                try db.execute(sql: "DELETE FROM ledger_accounts WHERE id = 'user:gone:coins'")
                try db.execute(sql: "UPDATE ledger_accounts SET balance = 7 WHERE id = 'user:s1:revenue'")
                try db.execute(sql: """
                    INSERT INTO journal (offset, type, payload, created_at, payer, payee, gift_key) VALUES
                        (1, 'gift', '{"a":1}', 11, 'user:v1:coins', 'user:s1:revenue', 'gift:v1:k'),
                        (2, 'gift', '{"a":2}', 12, 'user:v1:coins', NULL, 'gift:v1:k2'),
                        (3, 'danmaku', '{"room":"r1"}', 13, NULL, NULL, NULL)
                    """)
                try db.execute(sql: """
                    INSERT INTO account_history_pages (account, last, first, offsets) VALUES
                        ('user:v1:coins', 2, 1, '1,2'), ('user:s1:revenue', 1, 1, '1')
                    """)
                return Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, rowid FROM ledger_accounts").map {
                    ($0[0] as String, $0[1] as Int64)
                })
            }
            try v20.close()
            let store = try tmp.openStore()
            try await store.read { db in
                let numbers = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, num FROM ledger_accounts").map {
                    ($0[0] as String, $0[1] as Int64)
                })
                #expect(numbers == rowids && numbers["user:s1:revenue"] == 3, "each account keeps its rowid as its number")
                #expect(try Int64.fetchOne(db, sql: "SELECT balance FROM ledger_accounts WHERE num = 3") == 7)
                let journal = try Row.fetchAll(db, sql: "SELECT offset, payer, payee, typeof(payer) AS t FROM journal ORDER BY offset").map {
                    "\($0["offset"] as Int64) \($0["payer"] as Int64?, default: "-") \($0["payee"] as Int64?, default: "-") \($0["t"] as String)"
                }
                #expect(journal == ["1 1 3 integer", "2 1 - integer", "3 - - null"])
                let pages = try Row.fetchAll(db, sql: "SELECT account, offsets, typeof(account) AS t FROM account_history_pages ORDER BY account").map {
                    "\($0[0] as Int64) \($0[1] as String) \($0[2] as String)"
                }
                #expect(pages == ["1 1,2 integer", "3 1 integer"])
                // The journal's indexes as v22 makes them (the store migrates to the latest).
                #expect(Set(try Self.indexes(db)) == ["journal_danmaku_room", "journal_idempotency_key", "journal_type_offset"])
                #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_accounts' ORDER BY name")
                    == ["ledger_accounts_owner", "sqlite_autoindex_ledger_accounts_1"])
                #expect(try SQLiteAccountHistory.newest(db, .account("user:v1:coins"), upTo: .max, inclusive: true, limit: 5).map(\.offset) == [2, 1])
                #expect(try SQLiteAccountHistory.newest(db, .account("user:nobody:coins"), upTo: .max, inclusive: true, limit: 5).isEmpty)
            }
            // A new account takes the next number; none is reused.
            let next = try await store.write { db in
                try db.execute(sql: "INSERT INTO ledger_accounts (id, asset, owner_kind, owner, created_at) VALUES ('user:v2:coins', 'coins', 'user', 'v2', 1)")
                return db.lastInsertedRowID
            }
            #expect(next == 5)
        }
    }

    @Test("v21 refuses a journal row or history page naming an account that has no row, and changes nothing")
    func integerAccountKeysRefuseOrphans() async throws {
        for orphan in ["journal payer", "journal payee", "page"] {
            try await TemporaryDatabase.with { tmp in
                let v20 = try DatabaseQueue(path: tmp.path)
                try Migrations.migrator().migrate(v20, upTo: "v20_account_history_pages")
                try await v20.write { db in
                    try Self.seedAccounts(db, ["user:v1:coins"])
                    let (payer, payee) = orphan == "journal payer" ? ("user:x:coins", "user:v1:coins") : ("user:v1:coins", orphan == "journal payee" ? "user:x:revenue" : nil)
                    try db.execute(
                        sql: "INSERT INTO journal (offset, type, payload, created_at, payer, payee) VALUES (1, 'gift', '{}', 1, ?, ?)",
                        arguments: [payer, payee])
                    try db.execute(sql: "INSERT INTO account_history_pages (account, last, first, offsets) VALUES (?, 1, 1, '1')",
                        arguments: [orphan == "page" ? "user:y:coins" : "user:v1:coins"])
                }
                do {
                    try Migrations.migrator().migrate(v20)
                    Issue.record("\(orphan): migrated")
                } catch let error as DatabaseError {
                    #expect(error.resultCode == .SQLITE_CONSTRAINT, "\(orphan): \(error)")
                    #expect(error.message?.contains("journal_parties_without_account") == true, "\(orphan): \(error)")
                }
                let (applied, payer) = try await v20.read { db in
                    (try Migrations.migrator().appliedMigrations(db).last, try String.fetchOne(db, sql: "SELECT payer FROM journal"))
                }
                #expect(applied == "v20_account_history_pages", "\(orphan)")
                #expect(payer == (orphan == "journal payer" ? "user:x:coins" : "user:v1:coins"), "\(orphan): the journal is as it was")
                try v20.close()
            }
        }
    }

    /// The plan SQLite picks for `sql` (its details, joined).
    static func plan(_ db: Database, _ sql: String, _ arguments: StatementArguments = []) throws -> String {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: arguments).map { $0["detail"] as String }.joined(separator: "; ")
    }

    @Test("v22 keeps every row, offset and key; its indexes leave gift rows out, still refuse a key twice, and the readers use them")
    func journalIndexesWithoutGifts() async throws {
        try await TemporaryDatabase.with { tmp in
            let v21 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v21, upTo: "v21_integer_account_keys")
            let before = try await v21.write { db in
                try db.execute(sql: """
                    INSERT INTO journal (offset, type, payload, created_at, idempotency_key, payer, payee, facts, gift_key) VALUES
                        (1, 'gift', '{"a":1}', 11, NULL, 1, 2, NULL, 'gift:v1:k1'),
                        (2, 'topup', '{"b":2}', 12, 'topup:1', NULL, NULL, NULL, NULL),
                        (3, 'danmaku', '{"room":"r1"}', 13, NULL, NULL, NULL, NULL, NULL),
                        (5, 'gift', '{"a":5}', 15, NULL, 1, NULL, NULL, 'gift:v1:k5'),
                        (7, 'activity_progress', '[[1,{"c":1}],[2,{"c":2}]]', 17, NULL, NULL, NULL, 2, NULL)
                    """)
                return try Self.rows(db)
            }
            try v21.close()
            let store = try tmp.openStore()
            try await store.read { db in
                #expect(try Self.rows(db) == before, "every row, column and offset kept")
                #expect(Set(try Self.indexes(db)) == ["journal_danmaku_room", "journal_idempotency_key", "journal_type_offset"])
                let sql = Dictionary(uniqueKeysWithValues: try Row.fetchAll(
                    db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal'").map { ($0[0] as String, $0[1] as String) })
                #expect(sql["journal_type_offset"]?.hasSuffix("WHERE type != '\(Journal.unindexedType)'") == true, "\(sql)")
                #expect(sql["journal_idempotency_key"]?.hasSuffix("WHERE idempotency_key IS NOT NULL") == true, "\(sql)")
                // Gift rows have no entry in either index: count each index's entries.
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal INDEXED BY journal_type_offset WHERE type != 'gift'") == 3)
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal INDEXED BY journal_idempotency_key WHERE idempotency_key IS NOT NULL") == 1)

                // The readers by type find what they found before, by the index when no gift is asked for.
                #expect(try Journal.hasRows(db, after: 2, through: 7, types: ["activity_progress"]))
                #expect(try !Journal.hasRows(db, after: 2, through: 7, types: ["topup"]))
                #expect(try Journal.hasRows(db, after: 1, through: 5, types: ["gift"]))
                #expect(try !Journal.hasRows(db, after: 1, through: 4, types: ["gift"]))
                #expect(try Journal.hasRows(db, after: 3, through: 7, types: ["gift", "topup"]))
                #expect(try Journal.read(db, after: 0, limit: 10, types: ["topup", "danmaku"]).map(\.offset) == [2, 3])
                #expect(try Journal.read(db, after: 0, limit: 10, types: ["gift", "topup"]).map(\.offset) == [1, 2, 5])
                #expect(try Journal.read(db, after: 0, limit: 10, types: ["activity_progress"]).map(\.index) == [0, 1])
                let rare = Journal.typeCondition(["topup", "danmaku"])
                #expect(try Self.plan(db, "SELECT 1 FROM journal WHERE \(rare) AND offset > ? AND offset <= ?", ["topup", "danmaku", 0, 9])
                    .contains("INDEX journal_type_offset"))
                #expect(try Self.plan(db, "SELECT offset FROM journal WHERE offset > ? AND \(rare) ORDER BY offset LIMIT ?", [0, "topup", "danmaku", 9])
                    .contains("INDEX journal_type_offset"))
                let gifts = Journal.typeCondition(["gift"])
                #expect(try Self.plan(db, "SELECT offset FROM journal WHERE offset > ? AND \(gifts) ORDER BY offset LIMIT ?", [0, "gift", 9])
                    .contains("INTEGER PRIMARY KEY"))
                #expect(try Self.plan(db, "SELECT * FROM journal WHERE idempotency_key = ?", ["topup:1"]).contains("INDEX journal_idempotency_key"))
                #expect(try Self.plan(db, "SELECT offset FROM gift_keys WHERE key = ?1 AND offset > 0 UNION ALL SELECT offset FROM journal WHERE type = 'gift' AND offset > (SELECT through FROM gift_keys_indexed) AND gift_key = ?1 LIMIT 1", ["k"])
                    .contains("SEARCH journal USING INTEGER PRIMARY KEY"), "a key's lookup in the journal's unindexed tail reads by offset")
            }
            // A key is still refused twice; rows without one are not.
            let twice = try await store.write { db -> Bool in
                _ = try Journal.append(db, type: "enter", payload: ["user_id": "a"], at: 20)
                _ = try Journal.append(db, type: "enter", payload: ["user_id": "b"], at: 21)
                do {
                    try db.execute(sql: "INSERT INTO journal (type, payload, created_at, idempotency_key) VALUES ('topup', '{}', 22, 'topup:1')")
                    return true
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    return false
                }
            }
            #expect(!twice, "the key's index is still unique")
            let again = try await store.write { db in try Journal.append(db, type: "topup", payload: ["x": 1], idempotencyKey: "topup:1", at: 23) }
            #expect(again.offset == 2, "an append with a known key answers the existing row")
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
