import Foundation
import Storage

/// A database file in a fresh directory under the system temporary directory, removed when
/// the value is released or `remove()` is called. Keep it alive for as long as the test uses
/// the file (`TemporaryDatabase.with` does).
public final class TemporaryDatabase: Sendable {
    /// The directory holding the database and its `-wal`/`-shm` files.
    public let directory: URL
    /// The database file path.
    public let path: String

    /// Creates a unique empty directory; the database file itself is created by the store.
    /// - Throws: file system errors.
    public init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("showrunner-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("showrunner.sqlite").path
    }

    deinit { remove() }

    /// Runs `body` with a temporary database and removes it afterwards.
    /// - Throws: file system errors, or `body`'s error.
    public static func with<T>(_ body: (TemporaryDatabase) async throws -> T) async throws -> T {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        return try await body(database)
    }

    /// A store configuration on this file; `synchronous` is FULL unless told otherwise.
    public func configuration(
        synchronous: StoreConfiguration.Synchronous = .full, batchMax: Int = 1024
    ) -> StoreConfiguration {
        StoreConfiguration(path: path, synchronous: synchronous, batchMax: batchMax)
    }

    /// Opens (or reopens) a store on this file.
    /// - Throws: `StorageError`.
    public func openStore(synchronous: StoreConfiguration.Synchronous = .full, batchMax: Int = 1024) throws -> Store {
        try Store(configuration(synchronous: synchronous, batchMax: batchMax))
    }

    /// Deletes the directory and everything in it; safe to call twice.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
