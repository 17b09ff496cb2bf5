@testable import Books
import EngineTesting
import GRDB
@testable import Storage
import Testing
@testable import Engine

struct Boom: Error, Equatable {}

@Suite struct StorageFailureTests {
    @Test func aFailingOpRollsBackAloneAndLeavesNoTrace() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let append = { @Sendable (name: String) in
                { @Sendable (db: Database) throws -> Int64 in try Journal.append(db, type: name, payloadJSON: "{}", at: 1).offset }
            }
            let failing = { @Sendable (db: Database) throws -> Int64 in
                _ = try Journal.append(db, type: "doomed", payloadJSON: "{}", at: 1)
                throw Boom()
            }
            let results = await submitBehindBlocker(store, queued: 3, [append("first"), append("a"), failing, append("c")])
            let a = try results[1].get()
            let c = try results[3].get()
            #expect(throws: Boom.self) { try results[2].get() }
            #expect(c == a + 1)
            let types = try await store.read { db in try String.fetchAll(db, sql: "SELECT type FROM journal ORDER BY offset") }
            #expect(types == ["first", "a", "c"])
            #expect(store.stats.commits == 2)
            #expect(store.stats.ops == 3)
        }
    }

    @Test("an operation alone in its batch runs without a savepoint: its failure rolls the transaction back with its own error, and counts no commit")
    func aLoneFailingOpRollsBackItsTransaction() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let first = try await store.write { db in try Journal.append(db, type: "first", payloadJSON: "{}", at: 1).offset }
            await #expect(throws: Boom.self) {
                try await store.write { db -> Int64 in
                    // A savepoint of the operation's own still works without one around it.
                    try db.withSavepoint { _ = try Journal.append(db, type: "inner", payloadJSON: "{}", at: 2) }
                    _ = try Journal.append(db, type: "doomed", payloadJSON: "{}", at: 2)
                    throw Boom()
                }
            }
            let next = try await store.write { db in try Journal.append(db, type: "next", payloadJSON: "{}", at: 3).offset }
            #expect(next == first + 1)
            let types = try await store.read { db in try String.fetchAll(db, sql: "SELECT type FROM journal ORDER BY offset") }
            #expect(types == ["first", "next"])
            #expect(store.stats.commits == 2)
            #expect(store.stats.ops == 2)
            #expect(store.stats.failedCommits == 0)
        }
    }

    @Test func aFailedCommitFailsEveryOpOfTheBatch() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in
                try db.execute(sql: """
                    CREATE TABLE parent (id INTEGER PRIMARY KEY);
                    CREATE TABLE child (id INTEGER PRIMARY KEY,
                        parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                    """)
            }
            let fine = { @Sendable (db: Database) throws -> Int in
                _ = try Journal.append(db, type: "fine", payloadJSON: "1", at: 1)
                return 1
            }
            // The orphan passes its statement but breaks the deferred key at COMMIT.
            let orphan = { @Sendable (db: Database) throws -> Int in
                try db.execute(sql: "INSERT INTO child (parent_id) VALUES (42)")
                return 2
            }
            let blocker = { @Sendable (_: Database) throws -> Int in 0 }
            let results = await submitBehindBlocker(store, queued: 2, [blocker, fine, orphan])
            let journalCount = try await store.journalCount()
            #expect(try results[0].get() == 0)
            for result in results.dropFirst() {
                #expect {
                    try result.get()
                } throws: { error in
                    (error as? StorageError)?.code == "storage_commit_failed"
                }
            }
            #expect(journalCount == 0)
            #expect(store.stats.failedCommits == 1)
        }
    }

    @Test func writeAloneCommitsOrRollsBackOneOp() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let entry = try await store.writeAlone { db in try Journal.append(db, type: "solo", payloadJSON: "[]", at: 5) }
            #expect(entry.offset == 1)
            await #expect(throws: Boom.self) {
                try await store.writeAlone { db -> Int in
                    _ = try Journal.append(db, type: "solo", payloadJSON: "[]", at: 6)
                    throw Boom()
                }
            }
            #expect(try await store.journalCount() == 1)
            #expect(store.stats.commits == 1)
        }
    }

    @Test func openingAnUnwritablePathIsATypedError() {
        #expect(throws: StorageError.self) {
            try Store(StoreConfiguration(path: "/nonexistent-dir-\(UInt64.random(in: 0...UInt64.max))/db.sqlite"))
        }
    }
}
