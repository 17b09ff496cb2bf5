import Dispatch
import Engine
import GRDB

/// One operation waiting for a group commit, and who hears of it.
struct PendingWrite: Sendable {
    let body: WriteBody
    let waiter: WriteWaiter
    /// When it was queued (`DispatchTime`'s uptime, nanoseconds).
    let queuedAt = DispatchTime.now().uptimeNanoseconds
}

/// Who waits for a queued operation.
enum WriteWaiter: Sendable {
    /// A suspended caller of `write`/`writeBatched`: woken with its outcome after COMMIT.
    case task(CheckedContinuation<any Sendable, any Error>)
    /// A caller of `submitBatched`, which does not wait: told its outcome after COMMIT, on the
    /// writer's thread (or the WAL sync's).
    case callback(@Sendable (Result<any Sendable, any Error>) -> Void)

    /// Hands the outcome over.
    func deliver(_ outcome: Result<any Sendable, any Error>) {
        switch self {
        case .task(let continuation): continuation.resume(with: outcome)
        case .callback(let done): done(outcome)
        }
    }
}

/// An operation of a group commit.
enum WriteBody: Sendable {
    /// Runs in a savepoint of its own, after the batch's overlays are flushed; alone in its
    /// batch, in the transaction itself, which rolls back if it throws.
    case plain(@Sendable (Database) throws -> any Sendable)
    /// Runs without a savepoint, with the batch's overlays (`Store.writeBatched`).
    case batched(@Sendable (Database, WriteBatch) throws -> any Sendable)
}

/// The writers' queue, behind the store's mutex. `flushing` is true while a batch is scheduled
/// or running on the writer, so exactly one batch is in flight at a time.
struct GroupCommitState: Sendable {
    var pending: [PendingWrite] = []
    var flushing = false
    var stats = StoreStats()

    /// Removes and returns up to `count` oldest pending writes.
    mutating func take(_ count: Int) -> [PendingWrite] {
        let n = min(count, pending.count)
        guard n > 0 else { return [] }
        if n == pending.count {
            // Most often everything waiting: the whole list is handed over, not copied.
            var batch: [PendingWrite] = []
            swap(&batch, &pending)
            return batch
        }
        let batch = Array(pending.prefix(n))
        pending.removeFirst(n)
        return batch
    }
}
