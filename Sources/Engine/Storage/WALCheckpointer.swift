import GRDB
import Logging

/// Copies committed WAL frames into the database file from a connection of its own, every
/// `interval`, with a passive checkpoint: it never waits for the writer and never blocks it.
/// Left to SQLite, the checkpoint runs inside whichever commit crosses 1,000 WAL pages, on the
/// group-commit writer: every few batches a commit also copied pages into the database file
/// and synced it, while the senders of that batch waited. Here that work runs on another core.
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>

    /// Starts the loop; its connection opens on the first round (and again after a failure,
    /// which is logged: checkpoints then fall to the writer, past `walPagesMax`).
    init(path: String, interval: Duration, synchronous: StoreConfiguration.Synchronous, busyTimeout: Duration, logger: Logger) {
        var config = Configuration()
        config.label = "showrunner.checkpoint"
        let timeout = busyTimeout.components
        config.busyMode = .timeout(Double(timeout.seconds) + Double(timeout.attoseconds) / 1e18)
        config.prepareDatabase { db in
            // The checkpoint syncs the database file at this connection's level.
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
        }
        task = Task.detached {
            var connection: DatabaseQueue?
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                    if connection == nil { connection = try DatabaseQueue(path: path, configuration: config) }
                    try await connection?.writeWithoutTransaction { db in
                        try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
                    }
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("background WAL checkpoint failed", metadata: ["error": "\(error)"])
                    try? connection?.close()
                    connection = nil
                }
            }
            try? connection?.close()
        }
    }

    /// Stops the loop: a checkpoint in progress finishes, then the connection closes.
    func stop() { task.cancel() }

    deinit { task.cancel() }
}
