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

    /// Every history row, column by column, by `seq`.
    static func history(_ db: Database) throws -> [[String: DatabaseValue]] {
        try Row.fetchAll(db, sql: "SELECT * FROM ledger_transfers ORDER BY seq").map { row in
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
            #expect(counter == 4)
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
}
