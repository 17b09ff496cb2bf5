import EngineTesting
import Foundation
import GRDB
@testable import Storage
import Testing
@testable import Engine

@Suite("Background WAL checkpoints")
struct StorageCheckpointTests {
    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    /// Writes about 200 pages of rows, which stay in the WAL until something checkpoints them.
    static func fill(_ store: Store) async throws {
        try await store.write { db in try db.execute(sql: "CREATE TABLE blob (b TEXT)") }
        for _ in 0..<20 {
            try await store.write { db in
                for _ in 0..<10 { try db.execute(sql: "INSERT INTO blob VALUES (?)", arguments: [String(repeating: "x", count: 4_000)]) }
            }
        }
    }

    @Test("a store's own connection copies committed frames into the database file, off the writer")
    func backgroundCheckpoints() async throws {
        try await TemporaryDatabase.with { tmp in
            var config = tmp.configuration()
            config.checkpointInterval = .milliseconds(5)
            let store = try Store(config)
            let before = Self.fileSize(tmp.path)
            try await Self.fill(store)
            let writerLimit = try await store.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
            #expect(writerLimit == StoreConfiguration.walPagesMax)
            let deadline = ContinuousClock.now + .seconds(120)
            while Self.fileSize(tmp.path) < before + 150 * 4_096, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(Self.fileSize(tmp.path) >= before + 150 * 4_096)
            try store.close()
        }
    }

    @Test("without it, the writer keeps SQLite's default and small writes stay in the WAL")
    func writerCheckpointsByDefaultWhenOff() async throws {
        try await TemporaryDatabase.with { tmp in
            var config = tmp.configuration()
            config.checkpointInterval = nil
            let store = try Store(config)
            let before = Self.fileSize(tmp.path)
            try await Self.fill(store)
            try await Task.sleep(for: .milliseconds(100))
            let writerLimit = try await store.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
            #expect(writerLimit == 1_000)
            #expect(Self.fileSize(tmp.path) < before + 150 * 4_096)
            try store.close()
        }
    }
}
