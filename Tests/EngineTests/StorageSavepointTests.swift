import EngineTesting
import GRDB
@testable import Storage
import Testing
@testable import Engine

@Suite("Savepoints inside the group commit")
struct StorageSavepointTests {
    struct Boom: Error {}

    static func values(_ store: Store) async throws -> [Int] {
        try await store.read { db in try Int.fetchAll(db, sql: "SELECT v FROM t ORDER BY v") }
    }

    @Test("an inner savepoint that throws undoes only its own writes; the outer one keeps the rest")
    func nestedRollback() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in try db.execute(sql: "CREATE TABLE t (v INTEGER)") }
            let caught = try await store.write { db -> Bool in
                try db.execute(sql: "INSERT INTO t VALUES (1)")
                let inner: Bool
                do {
                    try db.withSavepoint {
                        try db.execute(sql: "INSERT INTO t VALUES (2)")
                        try db.withSavepoint { try db.execute(sql: "INSERT INTO t VALUES (3)") }
                        throw Boom()
                    }
                    inner = false
                } catch is Boom {
                    inner = true
                }
                try db.withSavepoint { try db.execute(sql: "INSERT INTO t VALUES (4)") }
                return inner
            }
            #expect(caught)
            #expect(try await Self.values(store) == [1, 4])
        }
    }

    @Test("an operation that throws is rolled back alone; the batch's other operations commit")
    func operationRollsBackAlone() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in try db.execute(sql: "CREATE TABLE t (v INTEGER)") }
            let ops: [@Sendable (Database) throws -> Void] = [
                { @Sendable db in try db.execute(sql: "INSERT INTO t VALUES (10)") },
                { @Sendable db in
                    try db.execute(sql: "INSERT INTO t VALUES (20)")
                    throw Boom()
                },
                { @Sendable db in try db.execute(sql: "INSERT INTO t VALUES (30)") },
            ]
            let results = await submitBehindBlocker(store, queued: 2, ops)
            #expect(results.count == 3)
            #expect(results.filter { if case .failure = $0 { true } else { false } }.count == 1)
            #expect(try await Self.values(store) == [10, 30])
        }
    }
}
