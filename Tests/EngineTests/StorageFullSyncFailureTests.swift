@testable import Books
import CSQLiteConfig
import EngineTesting
import Foundation
import GRDB
@testable import Storage
import Testing
@testable import Engine

/// With `synchronous = full` SQLite syncs the WAL inside COMMIT, and publishes the commit to
/// readers only once that sync has returned. So a commit whose sync fails is never seen: its
/// callers are answered with an error, and the next commit writes its frames over the failed
/// one's. Unlike `.pipelined` (`StoragePipelinedSyncTests`), where a commit is seen before its
/// sync, nothing later is built on frames that may not be on the disk, and the store goes on.
@Suite struct StorageFullSyncFailureTests {
    /// The engine of a copy of the database and its WAL made while the store is open: SQLite
    /// recovers the copy from the files' bytes alone, as after `kill -9`.
    static func recovered(_ database: TemporaryDatabase, _ folder: ScriptFolder) async throws -> (MoneyEngine, TemporaryDatabase) {
        let copy = try TemporaryDatabase()
        for suffix in ["", "-wal"] {
            try? FileManager.default.removeItem(atPath: copy.path + suffix)
            try FileManager.default.copyItem(atPath: database.path + suffix, toPath: copy.path + suffix)
        }
        return (try await MoneyEngine.open(path: copy.path, scriptsPath: folder.path, clock: ManualClock(), synchronous: .full), copy)
    }

    @Test("synchronous full: a send whose commit's WAL sync fails is answered with an error and leaves nothing; its key stays free, later sends commit, and recovery holds exactly what was answered")
    func failedSyncInsideCommit() async throws {
        let (database, folder) = (try TemporaryDatabase(), try ScriptFolder(MoneyEngine.scripts))
        defer { folder.remove() }
        let engine = try await MoneyEngine.open(path: database.path, scriptsPath: folder.path, clock: ManualClock(), synchronous: .full)
        try await engine.seed()
        try await KeptBalancesTests.fund(engine.ledger, "fund-1", 100)
        let a = try await GiftKeyIndexTests.send(engine, "a")
        #expect(a.balanceCoins == 90)
        let journalBefore = try await engine.store.journalCount()

        // The next sync of the writer's WAL fails, with the commit's frames already written.
        try await engine.store.pool.writeWithoutTransaction { db in
            #expect(showrunner_wal_vfs_fail_syncs(db.sqliteConnection, 1) == 0)
        }
        await #expect(throws: StorageError.self) { _ = try await GiftKeyIndexTests.send(engine, "b") }
        // Nothing of it: no row, no charge, as readers and the writer's own memory see it.
        #expect(try await engine.store.journalCount() == journalBefore)
        #expect(try await engine.ledger.balance(.user("v", "coins")) == 90)
        #expect(try await GiftKeyIndexTests.found(engine.store, "b") == nil)

        // The store goes on: the next sends commit, charged from the balance before the failure,
        // and the failed send's key is free for its retry.
        let c = try await GiftKeyIndexTests.send(engine, "c")
        #expect(c.balanceCoins == 80)
        let b = try await GiftKeyIndexTests.send(engine, "b")
        #expect(b.balanceCoins == 70, "the retry is a new send: the failed one was never charged")
        #expect(engine.store.durabilityFailure == nil, "full: the failed sync's commit was never seen, so later ones stand")

        // Recovery from the files as they are: exactly the answered sends, each once.
        let (copy, copyDatabase) = try await Self.recovered(database, folder)
        for (key, receipt) in [("a", a), ("b", b), ("c", c)] {
            #expect(try await GiftKeyIndexTests.send(copy, key) == receipt, "\(key) answers its first receipt after recovery")
        }
        #expect(try await copy.ledger.balance(.user("v", "coins")) == 70)
        #expect(try await copy.store.journalCount() == journalBefore + 2)
        let clean = try await copy.store.read { db in try Reconciliation().check(db).isClean && GiftReconciliation.check(db).isEmpty }
        #expect(clean)
        try copy.store.close()
        copyDatabase.remove()
        try engine.store.close()
    }
}
