import Dispatch
import Engine
import Foundation
import Metrics
import Synchronization

/// The `fdatasync` of a store's WAL file behind `StoreConfiguration.Synchronous.pipelined`:
/// a descriptor of the `-wal` file of its own and a serial queue to sync on, off the writer
/// and off the task executor. An `fdatasync` on any descriptor of the file makes every frame
/// written before it durable, so a sync begun after a COMMIT returned covers that commit (and
/// every commit before it: the WAL is written in order).
final class WALSync: Sendable {
    private let fd: Int32
    private let queue = DispatchQueue(label: "showrunner.store.wal-sync")
    /// Who waits for the next `fdatasync`, and whether the sync queue is running a round.
    private struct Waiting {
        var callers: [@Sendable ((any Error)?) -> Void] = []
        var running = false
    }
    private let waiting = Mutex(Waiting())
    private let syncs = Atomic<Int>(0)
    private let syncNanos = Atomic<UInt64>(0)
    /// `showrunner_store_wal_syncs` and `showrunner_store_wal_sync_nanoseconds`: the second's
    /// growth over a second is how busy the sync queue is (10⁹: answers wait behind syncs).
    private let syncsCounter: Counter
    private let syncNanosCounter: Counter
    /// `showrunner_store_wal_sync_duration`: each `fdatasync`'s time, as a histogram. The syncs
    /// have a long tail (on the benchmark machine under load p50 0.7 ms, p99 6 ms, the slowest
    /// 30 ms, most of it this thread waiting for a core once the disk has answered:
    /// `benchmarks/LOG.md`, 2026-12-07), and every answer of the batches behind a sync waits that
    /// long, so the mean the counters give hides what a sender's p99 follows.
    private let syncDuration: Metrics.Timer
    /// Runs before each `fdatasync`, for tests that check the order of syncs and answers.
    let willSync: (@Sendable () -> Void)?
    /// Makes the file durable: `fdatasync`, or a stand-in that fails, for tests. Returns 0, or
    /// -1 with `errno` set.
    private let syncFile: @Sendable (Int32) -> Int32
    /// The first failed sync's error, kept for every later caller. Once the kernel has reported
    /// a write-back error on the WAL, a later `fdatasync` that returns 0 proves nothing about the
    /// frames the failed one covered: Linux reports such an error once and may drop the pages.
    /// SQLite's recovery stops at the first frame it cannot read back, and takes every later
    /// commit with it. So from the first failure on, no commit is answered as durable until the
    /// process restarts and recovery has read the WAL (as PostgreSQL stops on a failed fsync).
    private let failure = Mutex<String?>(nil)
    /// Why the first failed sync failed (`fdatasync`'s error), or nil while none has.
    var failureReason: String? { failure.withLock { $0 } }
    /// `fdatasync` itself, the sync a store uses outside tests.
    static let fdatasyncFile: @Sendable (Int32) -> Int32 = { fdatasync($0) }
    /// The core the syncs run on (`CorePinning.sync`), apart from the writer's.
    let pinning: CorePinning

    /// Opens the WAL file of the database at `path` (it exists once the store's writer is in WAL mode).
    /// - Throws: `StorageError.openFailed` when it cannot be opened.
    init(
        databasePath path: String, metrics: any MetricsFactory = MetricsSystem.factory, pinning: CorePinning = CorePinning(enabled: false),
        willSync: (@Sendable () -> Void)? = nil, syncFile: @escaping @Sendable (Int32) -> Int32 = WALSync.fdatasyncFile
    ) throws {
        let wal = path + "-wal"
        let fd = open(wal, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            throw StorageError.openFailed(path: wal, reason: "cannot open the WAL for syncing: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.willSync = willSync
        self.syncFile = syncFile
        self.pinning = pinning
        syncsCounter = Counter(label: "showrunner.store.wal_syncs", factory: metrics)
        syncNanosCounter = Counter(label: "showrunner.store.wal_sync_nanoseconds", factory: metrics)
        syncDuration = Metrics.Timer(label: StoreMetrics.walSyncDurationLabel, factory: metrics)
    }

    deinit { close(fd) }

    /// Syncs done so far.
    var count: Int { syncs.load(ordering: .relaxed) }
    /// Time spent inside `fdatasync` so far, in nanoseconds: its growth over a second is how
    /// busy the sync queue is (1e9: every answer waits for syncs queued before its own).
    var nanos: UInt64 { syncNanos.load(ordering: .relaxed) }

    /// Makes everything written to the WAL so far durable, then calls `done` on the sync's
    /// queue with nil, or `StorageError.commitFailed` when `fdatasync` failed, this time or any
    /// time before (whether the commits since survive a power cut is then unknown).
    ///
    /// Callers that arrive while an `fdatasync` runs share the next one: it begins after every
    /// one of them called, so it covers each of their commits. So the syncs never queue up
    /// behind the commits: however often the writer commits, a caller waits for at most the
    /// sync running when it calls and one more. Callers are answered in the order they called.
    func sync(then done: @escaping @Sendable ((any Error)?) -> Void) {
        let starts = waiting.withLock { w -> Bool in
            w.callers.append(done)
            guard !w.running else { return false }
            w.running = true
            return true
        }
        if starts { queue.async { [self] in rounds() } }
    }

    /// Syncs for everyone waiting, then again for whoever came meanwhile, until no one waits.
    private func rounds() {
        // On its own core while it syncs, so the disk's answer never waits for the writer's.
        let pinned = pinning.pin(pinning.sync)
        defer { if pinned { pinning.release() } }
        while true {
            let callers = waiting.withLock { w -> [@Sendable ((any Error)?) -> Void] in
                defer { w.callers.removeAll(keepingCapacity: true) }
                if w.callers.isEmpty { w.running = false }
                return w.callers
            }
            guard !callers.isEmpty else { return }
            willSync?()
            let start = DispatchTime.now().uptimeNanoseconds
            var result: Int32
            repeat { result = syncFile(fd) } while result != 0 && errno == EINTR
            let code = result == 0 ? 0 : errno
            let nanos = DispatchTime.now().uptimeNanoseconds &- start
            syncNanos.add(nanos, ordering: .relaxed)
            syncs.add(1, ordering: .relaxed)
            syncsCounter.increment()
            syncNanosCounter.increment(by: Int64(clamping: nanos))
            syncDuration.recordNanoseconds(Int64(clamping: nanos))
            let error = failure.withLock { first -> (any Error)? in
                if first == nil, code != 0 { first = "fdatasync of the WAL failed: \(String(cString: strerror(code)))" }
                return first.map { StorageError.commitFailed(reason: "\($0); no commit is answered as durable until the server restarts") }
            }
            for done in callers { done(error) }
        }
    }

    /// Makes everything written to the WAL so far durable (`sync(then:)`, awaited).
    /// - Throws: `StorageError.commitFailed` when `fdatasync` fails: whether the last commits
    ///   survive a power cut is then unknown.
    func sync() async throws {
        let failure: (any Error)? = await withCheckedContinuation { continuation in
            sync { continuation.resume(returning: $0) }
        }
        if let failure { throw failure }
    }
}

/// Names and buckets of the store's metrics that the metrics backend is told of.
public enum StoreMetrics {
    /// The label of the WAL's `fdatasync` durations (a timer: a histogram on `/metrics`).
    public static let walSyncDurationLabel = "showrunner.store.wal_sync_duration"
    /// Its histogram's bucket bounds: an SSD's sync is a fraction of a millisecond, a slow
    /// disk's tens of them (the default buckets begin at 5 ms).
    public static let walSyncDurationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]
}
