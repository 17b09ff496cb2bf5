import CSQLiteConfig
import EngineTesting
import Foundation
import GRDB
@testable import Storage
import Testing

/// The VFS that writes a commit's WAL frames in one write (`Sources/CSQLiteConfig/wal_vfs.c`):
/// what SQLite wrote is in the file, byte for byte, by the time anyone can look, whatever the
/// transaction did (spilled pages read back, frames overwritten in place, checksums rewritten,
/// a rollback), and a copy of the files recovers exactly the committed rows.
@Suite struct WALGatherTests {
    /// A connection in WAL mode on `path`, through the default VFS (the store's registers it).
    static func connection(_ path: String, cachePages: Int? = nil) throws -> DatabaseQueue {
        _ = Store.sqliteOptions
        #expect(Store.walVFS == 0)
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // No checkpoint: the WAL holds every commit, for the copies below to recover.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            if let cachePages { try db.execute(sql: "PRAGMA cache_size = \(cachePages)") }
        }
        return try DatabaseQueue(path: path, configuration: config)
    }

    /// This connection's WAL writes: asked by SQLite, and made.
    static func counts(_ db: Database) -> (asked: Int64, written: Int64)? {
        var (asked, written): (Int64, Int64) = (0, 0)
        guard showrunner_wal_vfs_file_counts(db.sqliteConnection, &asked, &written) == 0 else { return nil }
        return (asked, written)
    }

    /// The rows of `t` in a copy of the database and its WAL, made while `queue` is open: SQLite
    /// recovers the copy from the WAL file's bytes alone, checking every frame's checksum.
    static func recoveredRows(from path: String, in directory: URL) throws -> [Int64: String] {
        let copy = directory.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal")
        let recovered = try DatabaseQueue(path: copy)
        defer { try? recovered.close() }
        return try recovered.read { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            return Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, v FROM t").map { ($0[0] as Int64, $0[1] as String) })
        }
    }

    /// A folder with `db.sqlite` and a connection to it that has made the table `t`; the
    /// connection is closed after `body`.
    static func withTable(cachePages: Int? = nil, _ body: (URL, String, DatabaseQueue) throws -> Void) throws {
        try withDirectory { directory in
            let path = directory.appendingPathComponent("db.sqlite").path
            let queue = try connection(path, cachePages: cachePages)
            try queue.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
            try body(directory, path, queue)
        }
    }

    /// Inserts a row into `t` for each id, its value `value(id)`, and notes it in `expected`.
    static func insert(_ db: Database, _ ids: Range<Int>, into expected: inout [Int64: String], value: (Int) -> String) throws {
        for i in ids {
            let v = value(i)
            try db.execute(sql: "INSERT INTO t (id, v) VALUES (?, ?)", arguments: [i, v])
            expected[Int64(i)] = v
        }
    }

    static func withDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wal-gather-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    @Test("a commit's frames reach the WAL in a write or two, and a reader and a recovered copy see every row")
    func commitsInOneWrite() throws {
        try Self.withTable { directory, path, queue in
            let value = String(repeating: "x", count: 900)
            let before = try queue.read { db in Self.counts(db) }
            try queue.write { db in
                for i in 0..<200 { try db.execute(sql: "INSERT INTO t (id, v) VALUES (?, ?)", arguments: [i, "\(i)-\(value)"]) }
            }
            let after = try #require(try queue.read { db in Self.counts(db) })
            let asked = after.asked - (before?.asked ?? 0), written = after.written - (before?.written ?? 0)
            // About 50 pages: a header and a page each, asked; one write each 124 KiB, made.
            #expect(asked >= 100)
            #expect(written >= 1 && written <= 3, "\(written) writes for \(asked) asked")
            // Another connection reads them, and so does a copy recovered from the files' bytes.
            let reader = try DatabaseQueue(path: path)
            #expect(try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 200)
            try reader.close()
            let rows = try Self.recoveredRows(from: path, in: directory)
            #expect(rows.count == 200 && rows[199] == "199-\(value)")
        }
    }

    @Test("a commit past the most a WAL file gathers (4 MiB) writes as it goes, and is whole after recovery")
    func commitPastTheGatherLimit() throws {
        try Self.withTable(cachePages: 10_000) { directory, path, queue in
            // A cache large enough that nothing spills: every frame is written at COMMIT.
            let before = try #require(try queue.read { db in Self.counts(db) })
            var expected: [Int64: String] = [:]
            try queue.write { db in
                // About 6 MB of rows: some 1,500 pages, past the 4 MiB gathered at most.
                try Self.insert(db, 0..<6_000, into: &expected) { "\($0)-" + String(repeating: "z", count: 1_000) }
            }
            let after = try #require(try queue.read { db in Self.counts(db) })
            // Written in pieces of at most 124 KiB: more than 48 of them, far fewer than asked.
            #expect(after.written - before.written > 48)
            #expect(after.written - before.written < (after.asked - before.asked) / 10)
            #expect(try Self.recoveredRows(from: path, in: directory) == expected)
        }
    }

    @Test("a transaction larger than its cache spills frames, reads them back, overwrites them in place and rewrites their checksums; a rollback leaves nothing")
    func spillsOverwritesAndRollbacks() throws {
        try Self.withTable(cachePages: 10) { directory, path, queue in
            // A cache of 10 pages: the transaction's dirty pages go to the WAL long before COMMIT.
            var expected: [Int64: String] = [:]
            try queue.write { db in
                try Self.insert(db, 0..<2_000, into: &expected) { "first-\($0)-" + String(repeating: "a", count: 300) }
                // Read back inside the transaction: pages come from the spilled frames.
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t WHERE v LIKE 'first-%'") == 2_000)
                // Change spilled pages again: SQLite overwrites this transaction's frames in place
                // and rewrites the checksums after them at COMMIT.
                for i in stride(from: 0, to: 2_000, by: 7) {
                    let v = "second-\(i)-" + String(repeating: "b", count: 250)
                    try db.execute(sql: "UPDATE t SET v = ? WHERE id = ?", arguments: [v, i])
                    expected[Int64(i)] = v
                }
            }
            // At once, before anything else writes: the rewritten checksums are in the file (a
            // copy's recovery checks every frame's, and stops at the first wrong one).
            #expect(try Self.recoveredRows(from: path, in: directory) == expected)
            // A rolled-back transaction that spilled too: its frames are written, then ignored.
            try? queue.write { db in
                for i in 2_000..<3_000 {
                    try db.execute(sql: "INSERT INTO t (id, v) VALUES (?, ?)", arguments: [i, String(repeating: "c", count: 300)])
                }
                throw DatabaseError(resultCode: .SQLITE_ABORT, message: "rolled back on purpose")
            }
            // A commit after it, over the rolled-back frames' places in the WAL.
            try queue.write { db in
                try db.execute(sql: "INSERT INTO t (id, v) VALUES (5000, 'after')")
                expected[5_000] = "after"
            }
            let reader = try DatabaseQueue(path: path)
            try reader.read { db in
                #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
                let rows = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, v FROM t").map { ($0[0] as Int64, $0[1] as String) })
                #expect(rows == expected)
            }
            try reader.close()
            #expect(try Self.recoveredRows(from: path, in: directory) == expected)
            try queue.close()
            // Closed (checkpointed into the database file): the same again.
            let reopened = try DatabaseQueue(path: path)
            try reopened.read { db in
                let rows = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, v FROM t").map { ($0[0] as Int64, $0[1] as String) })
                #expect(rows == expected)
            }
            try reopened.close()
        }
    }

    @Test("a commit whose gathered write fails fails as SQLite's own write would: nothing of it is seen, before or after recovery, and the next commit goes through")
    func failedWriteFailsTheCommit() throws {
        try Self.withTable { directory, path, queue in
            try queue.write { db in try db.execute(sql: "INSERT INTO t (id, v) VALUES (1, 'kept')") }
            // The commit's one write fails, as on a full disk.
            queue.inDatabase { db in #expect(showrunner_wal_vfs_fail_writes(db.sqliteConnection, 1) == 0) }
            #expect(throws: DatabaseError.self) {
                try queue.write { db in
                    for i in 2..<100 { try db.execute(sql: "INSERT INTO t (id, v) VALUES (?, 'lost')", arguments: [i]) }
                }
            }
            let reader = try DatabaseQueue(path: path)
            #expect(try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 1)
            #expect(try Self.recoveredRows(from: path, in: directory) == [1: "kept"])
            // The connection goes on: the next commit is written and seen.
            try queue.write { db in try db.execute(sql: "INSERT INTO t (id, v) VALUES (2, 'after')") }
            #expect(try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 2)
            #expect(try Self.recoveredRows(from: path, in: directory) == [1: "kept", 2: "after"])
            try reader.close()
        }
    }
}
