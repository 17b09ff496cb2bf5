import EngineTesting
import GRDB
import GRDBSQLite
@testable import Storage
import Synchronization
import Testing
@testable import Engine

@Suite("Statements bound and stepped through SQLite directly")
struct StorageRawStatementTests {
    @Test("values bind by position, RETURNING answers, reads see NULLs, and a constraint error leaves the statement reusable")
    func roundTrip() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in
                try db.execute(sql: "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, note TEXT)")
                let insert = try db.cachedStatement(sql: "INSERT INTO t (k, n, note) VALUES (?, ?, ?) RETURNING n * 2")
                #expect(try insert.runRaw(.text("a"), .int(21), .text("ünï 礼物")) == 42)
                #expect(try insert.runRaw(.text("b"), .int(-5), .null) == -10)
                #expect {
                    try insert.runRaw(.text("a"), .int(1), .null)
                } throws: { error in
                    (error as? DatabaseError)?.resultCode == .SQLITE_CONSTRAINT
                }
                // Reset after the failure: the same statement runs again.
                #expect(try insert.runRaw(.text("c"), .int(3), .text(nil)) == 6)
                let one = try db.cachedStatement(sql: "SELECT n, note FROM t WHERE k = ?")
                let a = try one.firstRowRaw(.text("a")) { (rawInt($0, 0), rawOptionalText($0, 1)) }
                #expect(a?.0 == 21 && a?.1 == "ünï 礼物")
                let c = try one.firstRowRaw(.text("c")) { (rawInt($0, 0), rawOptionalText($0, 1)) }
                #expect(c?.0 == 3 && c?.1 == nil)
                #expect(try one.firstRowRaw(.text("missing")) { _ in true } == nil)
                let all = try db.cachedStatement(sql: "SELECT k FROM t ORDER BY k").allRowsRaw([]) { rawText($0, 0) }
                #expect(all == ["a", "b", "c"])
                // GRDB reads the same rows the same way.
                #expect(try Int64.fetchOne(db, sql: "SELECT n FROM t WHERE k = 'b'") == -5)
                #expect(try String?.fetchOne(db, sql: "SELECT note FROM t WHERE k = 'a'") == "ünï 礼物")
            }
        }
    }

    @Test("a raw write after SQLite rolled its transaction back by itself fails, and nothing of it is kept")
    func rawWriteAfterAbort() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in try db.execute(sql: "CREATE TABLE t (n INTEGER)") }
            await #expect {
                try await store.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT INTO t (n) VALUES (?)")
                    try insert.runRaw(.int(1))
                    // What SQLite does on its own after a full disk or an I/O error.
                    sqlite3_exec(db.sqliteConnection, "ROLLBACK", nil, nil, nil)
                    try insert.runRaw(.int(2))
                }
            } throws: { error in
                // The write's own error, or the batch's failed COMMIT that GRDB reports for it.
                (error as? DatabaseError)?.resultCode == .SQLITE_ABORT || error is StorageError
            }
            #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 0)
        }
    }

    /// The guarantee that keeps the writer's `BEGIN` and COMMIT GRDB's (`inTransaction`, prepared
    /// from their text every batch): inside its block GRDB refuses every statement once SQLite
    /// has rolled the transaction back by itself. The writer cannot put a commit hook of its own
    /// in its place: GRDB holds the connection's commit hook (`benchmarks/LOG.md`, 2026-12-07T22:18Z–23:33Z).
    @Test("a statement through GRDB after SQLite rolled the group commit's transaction back by itself fails, even when the operation goes on past it, and nothing of it is kept; the next writes commit")
    func grdbWriteAfterAbort() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in try db.execute(sql: "CREATE TABLE t (n INTEGER)") }
            let failed = Mutex<[Bool]>([])
            await #expect(throws: StorageError.self) {
                try await store.write { db in
                    try db.execute(sql: "INSERT INTO t (n) VALUES (1)")
                    // What SQLite does on its own after a full disk or an I/O error.
                    sqlite3_exec(db.sqliteConnection, "ROLLBACK", nil, nil, nil)
                    for n in 2...3 {
                        // An operation that goes on past a failure, as a batch does past one operation's.
                        do {
                            try db.execute(sql: "INSERT INTO t (n) VALUES (?)", arguments: [n])
                            failed.withLock { $0.append(false) }
                        } catch {
                            failed.withLock { $0.append(true) }
                        }
                    }
                }
            }
            #expect(failed.withLock { $0 } == [true, true], "each statement after the rollback failed")
            #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 0)
            try await store.write { db in try db.execute(sql: "INSERT INTO t (n) VALUES (4)") }
            try await store.writeAlone { db in try db.execute(sql: "INSERT INTO t (n) VALUES (5)") }
            #expect(try await store.read { db in try Int.fetchAll(db, sql: "SELECT n FROM t ORDER BY n") } == [4, 5])
        }
    }
}
