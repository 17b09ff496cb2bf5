@testable import Books
import EngineTesting
import GRDB
@testable import Storage
import Testing
@testable import Engine

@Suite("Ledger schema migrations")
struct LedgerMigrationTests {
    /// History rows as v4 stored them: a plain transfer, a pending one, its post, a reversal.
    static let rows: [[DatabaseValue]] = [
        row(1, "t1", kind: "posted", pendingID: nil, reverses: nil),
        row(2, "p1", kind: "pending", pendingID: nil, reverses: nil, expiresAt: 9_000),
        row(3, "s1", kind: "post", pendingID: "p1", reverses: nil),
        row(4, "r1", kind: "posted", pendingID: nil, reverses: "t1"),
    ]

    static func row(_ seq: Int64, _ id: String, kind: String, pendingID: String?, reverses: String?, expiresAt: Int64? = nil) -> [DatabaseValue] {
        [seq.databaseValue, id.databaseValue, "user:v1:coins".databaseValue, "user:s1:coins".databaseValue, "coins".databaseValue,
         Int64(5).databaseValue, "test".databaseValue, "".databaseValue, (1_000 + seq).databaseValue, kind.databaseValue,
         pendingID.databaseValue, reverses.databaseValue, id.databaseValue, "h".databaseValue, expiresAt.databaseValue]
    }

    static let insert = """
        INSERT INTO ledger_transfers (seq, id, debit_account, credit_account, asset, amount, code, memo, ts, kind,
            pending_id, reverses, linked_batch, body_hash, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Every history row, column by column, by `seq`, its accounts by their text keys (the
    /// columns `debit_account` and `credit_account`, which v23 replaced by account numbers).
    static func history(_ db: Database) throws -> [[String: DatabaseValue]] {
        let byNumber = try db.columns(in: "ledger_transfers").contains { $0.name == "debit" }
        let sql = byNumber ? SQLiteTransaction.transferColumns + " ORDER BY t.seq" : "SELECT * FROM ledger_transfers ORDER BY seq"
        return try Row.fetchAll(db, sql: sql).map { row in
            Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
        }
    }

    @Test("v5 keeps every row, its seq and the AUTOINCREMENT counter; pending_id and reverses stay unique where set")
    func partialUniqueIndexes() async throws {
        try await TemporaryDatabase.with { tmp in
            let v4 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v4, upTo: "v4_live_operations")
            let before = try await v4.write { db in
                for values in Self.rows { try db.execute(sql: Self.insert, arguments: StatementArguments(values)) }
                return try Self.history(db)
            }
            try v4.close()

            let store = try tmp.openStore()
            let after = try await store.read { db in try Self.history(db) }
            #expect(after == before && after.count == Self.rows.count)
            let counter = try await store.read { db in
                try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'ledger_transfers'")
            }
            #expect(counter == nil, "v23 dropped the AUTOINCREMENT counter; the next seq is still the largest plus one")
            let plans = try await store.read { db in
                try ["SELECT kind FROM ledger_transfers WHERE pending_id = ?", "SELECT 1 FROM ledger_transfers WHERE reverses = ?"].map { sql in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: ["x"]).map { $0["detail"] as String }.joined()
                }
            }
            #expect(plans[0].contains("ledger_transfers_pending") && plans[1].contains("ledger_transfers_reverses"))

            // Set values stay unique; unset ones may repeat.
            for (column, value) in [("pending_id", "p1"), ("reverses", "t1")] {
                var values = Self.row(0, "dup-\(column)", kind: "void", pendingID: nil, reverses: nil)
                values[0] = .null
                values[8] = Int64(5_000).databaseValue
                values[column == "pending_id" ? 10 : 11] = value.databaseValue
                let duplicate = values
                await #expect(throws: DatabaseError.self) {
                    try await store.write { db in try db.execute(sql: Self.insert, arguments: StatementArguments(duplicate)) }
                }
            }
            let next = try await Ledger(store: store).transfer([TransferRequest(
                id: "after-v5", debit: .system(.promotions, "coins"), credit: .user("v9", "coins"), asset: "coins", amount: 1, code: "grant")])
            #expect(next[0].seq == 5)
        }
    }

    @Test("v23 names transfers' accounts by number: every row, seq and account kept, an account without a row created, the account indexes on numbers, no AUTOINCREMENT, no unique time")
    func transfersByAccountNumber() async throws {
        try await TemporaryDatabase.with { tmp in
            let v22 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v22, upTo: "v22_journal_indexes_without_gifts")
            let before = try await v22.write { db in
                // The credit account of every row has no account row (as a pending transfer's
                // credit before its post); the debit has one.
                try JournalMigrationTests.seedAccounts(db, ["system:promotions:coins", "user:v1:coins"])
                for values in Self.rows { try db.execute(sql: Self.insert, arguments: StatementArguments(values)) }
                return try Self.history(db)
            }
            try v22.close()

            let store = try tmp.openStore()
            let after = try await store.read { db in try Self.history(db) }
            #expect(after == before && after.count == Self.rows.count)
            let created = try await store.read { db in
                try Row.fetchOne(db, sql: "SELECT asset, owner_kind, owner, balance, pending_debits, created_at FROM ledger_accounts WHERE id = 'user:s1:coins'")
                    .map { "\($0["asset"] as String) \($0["owner_kind"] as String) \($0["owner"] as String) \($0["balance"] as Int64) \($0["pending_debits"] as Int64) \($0["created_at"] as Int64)" }
            }
            #expect(created == "coins user s1 0 0 1", "created at its first transfer's time (ts 1,001 µs), with a zero balance")
            let numbers = try await store.read { db in
                try Row.fetchAll(db, sql: "SELECT DISTINCT typeof(debit), typeof(credit), debit, credit FROM ledger_transfers")
                    .map { "\($0[0] as String) \($0[1] as String) \($0[2] as Int64) \($0[3] as Int64)" }
            }
            let num = try await store.read { db in
                try Int64.fetchAll(db, sql: "SELECT num FROM ledger_accounts WHERE id IN ('user:v1:coins', 'user:s1:coins') ORDER BY id DESC")
            }
            #expect(numbers == ["integer integer \(num[0]) \(num[1])"])
            let schema = try await store.read { db in
                (counter: try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'ledger_transfers'"),
                 sql: try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'ledger_transfers'") ?? "",
                 indexes: try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_transfers' ORDER BY name"),
                 plans: try ["SELECT seq FROM ledger_transfers WHERE debit = 1 ORDER BY seq DESC",
                             "SELECT seq FROM ledger_transfers WHERE credit = 1 ORDER BY seq DESC"].map { sql in
                     try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)").map { $0["detail"] as String }.joined()
                 })
            }
            #expect(schema.counter == nil && !schema.sql.contains("AUTOINCREMENT"))
            #expect(schema.indexes.sorted() == [
                "ledger_transfers_credit", "ledger_transfers_debit", "ledger_transfers_pending", "ledger_transfers_reverses",
                "sqlite_autoindex_ledger_transfers_1",
            ], "the id's unique index and no other on ts")
            #expect(schema.plans[0].contains("ledger_transfers_debit") && schema.plans[1].contains("ledger_transfers_credit"))
            // The ledger reads and writes through the numbers.
            let ledger = Ledger(store: store)
            let next = try await ledger.transfer([TransferRequest(
                id: "after-v23", debit: .system(.promotions, "coins"), credit: .user("s1", "coins"), asset: "coins", amount: 1, code: "grant")])
            #expect(next[0].seq == 5, "one past the largest seq")
            let page = try await ledger.transfers(account: .user("s1", "coins"), limit: 10)
            #expect(page.transfers.map(\.id) == ["after-v23", "r1", "s1", "p1", "t1"], "newest first, by the credit's number")
            #expect(page.transfers.allSatisfy { $0.credit == .user("s1", "coins") })
        }
    }

    @Test("v23 refuses a transfer whose account text is not kind:owner:asset, and leaves the database as it was")
    func transfersWithMalformedAccounts() async throws {
        try await TemporaryDatabase.with { tmp in
            let v22 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v22, upTo: "v22_journal_indexes_without_gifts")
            try await v22.write { db in
                var values = Self.row(1, "t1", kind: "posted", pendingID: nil, reverses: nil)
                values[3] = "user:s1".databaseValue
                try db.execute(sql: Self.insert, arguments: StatementArguments(values))
            }
            try v22.close()
            #expect(throws: StorageError.self) { _ = try tmp.openStore() }
            let v22Again = try DatabaseQueue(path: tmp.path)
            let state = try await v22Again.read { db in
                (applied: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").last,
                 accounts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_accounts") ?? -1)
            }
            #expect(state.applied == "v22_journal_indexes_without_gifts" && state.accounts == 0)
        }
    }

    /// Every row of `table`, column by column, in its key order.
    static func table(_ db: Database, _ table: String, orderBy: String) throws -> [[String: DatabaseValue]] {
        try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(orderBy)").map { row in
            Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
        }
    }

    static let v24Tables = [("ledger_accounts", "num"), ("ledger_transfers", "seq"), ("earnings_daily", "day, owner_kind, owner_id, source")]

    @Test("v24 checks allowed values without IN lists: every account, transfer and earnings row kept with its number and seq, the same indexes, and a value outside the list still refused")
    func checksWithoutInLists() async throws {
        try await TemporaryDatabase.with { tmp in
            let v23 = try DatabaseQueue(path: tmp.path)
            try Migrations.migrator().migrate(v23, upTo: "v23_transfers_by_account_number")
            let (before, indexesBefore) = try await v23.write { db in
                // Account numbers with a gap (7, 9), transfers by those numbers with a gap in seq.
                for (num, id, kind, owner, balance) in [(7, "system:promotions:coins", "system", "promotions", -15), (9, "user:v1:coins", "user", "v1", 15)] {
                    try db.execute(
                        sql: "INSERT INTO ledger_accounts (num, id, asset, owner_kind, owner, balance, created_at) VALUES (?, ?, 'coins', ?, ?, ?, 1)",
                        arguments: [num, id, kind, owner, balance])
                }
                for (seq, id, kind) in [(3, "t1", "posted"), (5, "t2", "posted")] {
                    try db.execute(sql: """
                        INSERT INTO ledger_transfers (seq, id, debit, credit, asset, amount, code, memo, ts, kind, linked_batch, body_hash)
                        VALUES (?, ?, 7, 9, 'coins', ?, 'grant', '', ?, ?, ?, 'h')
                        """, arguments: [seq, id, seq * 2 - 1, 1_000 + seq, kind, id])
                }
                for (kind, owner, source) in [("streamer", "s1", "gift"), ("guild", "g1", "gift"), ("pool", "platform", "fee")] {
                    try db.execute(
                        sql: "INSERT INTO earnings_daily (owner_kind, owner_id, day, source, amount, facts) VALUES (?, ?, '2027-01-21', ?, 40, 2)",
                        arguments: [kind, owner, source])
                }
                return (try Self.v24Tables.map { try Self.table(db, $0.0, orderBy: $0.1) },
                        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"))
            }
            try v23.close()

            let store = try tmp.openStore()
            let (after, indexesAfter, sql) = try await store.read { db in
                (try Self.v24Tables.map { try Self.table(db, $0.0, orderBy: $0.1) },
                 try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"),
                 try Self.v24Tables.map { try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [$0.0]) ?? "" })
            }
            #expect(after == before && after.map(\.count) == [2, 2, 3])
            #expect(indexesAfter == indexesBefore)
            #expect(sql.allSatisfy { !$0.uppercased().contains(" IN (") }, "\(sql)")

            // That an insert into these (and every) table builds no temporary index is
            // `SchemaCheckTests`' to hold, on the same migrations.

            // The constraints still hold.
            for bad in [
                "INSERT INTO ledger_accounts (id, asset, owner_kind, owner, balance, created_at) VALUES ('bank:x:coins', 'coins', 'bank', 'x', 0, 1)",
                "INSERT INTO ledger_transfers (id, debit, credit, asset, amount, code, memo, ts, kind, body_hash) VALUES ('t9', 7, 9, 'coins', 1, 'grant', '', 2000, 'posted ', 'h')",
                "INSERT INTO earnings_daily (owner_kind, owner_id, day, source, amount, facts) VALUES ('Streamer', 's1', '2027-01-22', 'gift', 1, 1)",
            ] {
                await #expect(throws: DatabaseError.self) { try await store.write { db in try db.execute(sql: bad) } }
            }
            let unchanged = try await store.read { db in try Self.v24Tables.map { try Self.table(db, $0.0, orderBy: $0.1) } }
            #expect(unchanged == before)

            // The ledger moves money through the rebuilt tables: the next seq is one past the largest.
            let ledger = Ledger(store: store)
            let next = try await ledger.transfer([TransferRequest(
                id: "after-v24", debit: .user("v1", "coins"), credit: .user("s1", "coins"), asset: "coins", amount: 4, code: "gift")])
            #expect(next[0].seq == 6)
            #expect(try await ledger.balance(.user("v1", "coins")) == 11)
            #expect(try await ledger.balance(.user("s1", "coins")) == 4)
        }
    }
}
