import Engine
import GRDB

extension Store {
    /// Runs `op` in a transaction of its own, one commit per call: the baseline that group
    /// commit is measured against, and the tool for work that must not share a transaction.
    /// - Parameter op: the operation; it must not manage transactions (savepoints are fine).
    /// - Returns: `op`'s result once committed.
    /// - Throws: `op`'s error (nothing is committed), or `StorageError.commitFailed`.
    public func writeAlone<T: Sendable>(_ op: @escaping @Sendable (Database) throws -> T) async throws -> T {
        // Pipelined, the journal's end at the commit is where the sync makes it durable up to.
        let tracksEnd = walSync != nil
        let outcome: (result: Result<T, any Error>, committed: Bool, journalEnd: Int64) = await withCheckedContinuation { continuation in
            pool.asyncWriteWithoutTransaction { db in
                var value: T?
                var opError: (any Error)?
                var end: Int64 = 0
                do {
                    try db.inTransaction(.immediate) {
                        do {
                            value = try op(db)
                            if tracksEnd { end = try Self.journalEnd(db) }
                            return .commit
                        } catch {
                            opError = error
                            return .rollback
                        }
                    }
                    if let opError {
                        continuation.resume(returning: (.failure(opError), true, 0))
                    } else {
                        continuation.resume(returning: (.success(value!), true, end))
                    }
                } catch {
                    let failure = StorageError.commitFailed(reason: "\(error)")
                    continuation.resume(returning: (.failure(failure), false, 0))
                }
            }
        }
        if case .success = outcome.result {
            // Pipelined, the consumers wake once the sync has made any new rows durable.
            record(committed: true, ops: 1, appended: walSync == nil)
            if let walSync { return try await durable([outcome.result], walSync, journalEnd: outcome.journalEnd)[0].get() }
        } else if !outcome.committed {
            record(committed: false, ops: 1)
        }
        return try outcome.result.get()
    }
}
