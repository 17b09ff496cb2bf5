import EngineTesting
import GRDB
import GRDBSQLite
@testable import Storage
import Testing

@Suite("SQLite's process-wide options")
struct SQLiteOptionsTests {
    @Test("set before the first connection, memory statistics are off; either way a store's connections take no mutex of their own")
    func connectionsWithoutMutexes() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            // In this process some test may have opened a connection before any store did, so
            // either outcome may be the one this run has.
            let options = Store.sqliteOptions
            #expect(options == SQLITE_OK || options == SQLITE_MISUSE, "sqlite3_config answered \(options)")
            // GRDB opens its pools' connections with SQLITE_OPEN_NOMUTEX, whatever the options.
            let writer = try await store.write { db in sqlite3_db_mutex(db.sqliteConnection) != nil }
            let reader = try await store.read { db in sqlite3_db_mutex(db.sqliteConnection) != nil }
            #expect(!writer && !reader)
            // Memory statistics are off only when the options were set.
            #expect(options != SQLITE_OK || sqlite3_memory_used() == 0)
            try store.close()
        }
    }
}
