import GRDB
import Logging

/// Copies committed WAL frames into the database file from a connection of its own, every
/// `interval`, with a passive checkpoint: it never waits for the writer and never blocks it.
/// Left to SQLite, the checkpoint runs inside whichever commit crosses 1,000 WAL pages, on the
/// group-commit writer: every few batches a commit also copied pages into the database file
/// and synced it, while the senders of that batch waited. Here that work runs on another core.
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>

    /// Opens the connection and starts the loop.
    /// - Throws: a database error if the connection cannot open.
    init(path: String, interval: Duration, synchronous: StoreConfiguration.Synchronous, logger: Logger) throws {
        var config = Configuration()
        config.label = "showrunner.checkpoint"
        config.prepareDatabase { db in
            // The checkpoint syncs the database file at this connection's level.
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
        }
        let connection = try DatabaseQueue(path: path, configuration: config)
        task = Task.detached {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                    try await connection.writeWithoutTransaction { db in
                        try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("background WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Stops the loop (a checkpoint in progress finishes).
    func stop() { task.cancel() }

    deinit { task.cancel() }
}
