import Engine
import GRDB
import Logging
import Synchronization

/// Copies committed WAL frames into the database file from a connection of its own, every
/// `interval`, with a passive checkpoint: it never waits for the writer and never blocks it.
/// Left to SQLite, the checkpoint runs inside whichever commit crosses 1,000 WAL pages, on the
/// group-commit writer: every few batches a commit also copied pages into the database file
/// and synced it, while the senders of that batch waited. Here that work runs on another core.
final class WALCheckpointer: Sendable {
    /// The loop's connection (opened on its first round) and whether `stop` has run.
    private struct State {
        var connection: DatabaseQueue?
        var stopped = false
    }

    /// What the loop and `stop` share.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
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
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.pragma)")
        }
        task = Task.detached { [shared] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                    guard let connection = try Self.connection(shared, path: path, config: config) else { return }
                    try await connection.writeWithoutTransaction { db in
                        try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
                    }
                } catch {
                    if Task.isCancelled || error is CancellationError { return }
                    logger.warning("background WAL checkpoint failed", metadata: ["error": "\(error)"])
                    let broken = shared.state.withLock { s in defer { s.connection = nil }; return s.connection }
                    try? broken?.close()
                }
            }
        }
    }

    /// The open connection, opening it if needed; nil once stopped. It opens under the lock,
    /// so `stop` never returns with a connection still opening.
    private static func connection(_ shared: Shared, path: String, config: Configuration) throws -> DatabaseQueue? {
        try shared.state.withLock { s in
            if s.stopped { return nil }
            if let open = s.connection { return open }
            let opened = try DatabaseQueue(path: path, configuration: config)
            s.connection = opened
            return opened
        }
    }

    /// Stops the loop and closes its connection before returning (after a checkpoint in
    /// progress), so the database's other connections can close it for good, and another
    /// process or store can open it, the moment the store's `close` returns.
    func stop() {
        task.cancel()
        let connection = shared.state.withLock { s in
            s.stopped = true
            defer { s.connection = nil }
            return s.connection
        }
        try? connection?.close()
    }

    deinit { stop() }
}
