import Books
import CSQLiteConfig
import Dispatch
import Engine
import GRDB
import Logging
import Metrics
import Synchronization

/// The SQLite database of one engine: a WAL-mode `DatabasePool`, migrated on open, with a group
/// commit writer (`write`) that folds concurrent writes into one durable transaction.
///
/// Reads run concurrently on reader connections and see the last committed state. Writes are
/// operations `(Database) throws -> T` run inside a transaction the store owns: an operation
/// must not begin, commit or roll back transactions itself (savepoints are fine).
public final class Store: Sendable {
    /// The configuration the store was opened with.
    public let configuration: StoreConfiguration
    /// Poked after every successful commit, so journal consumers wake without polling.
    public let signal: JournalSignal

    /// The ledger's clock, which the one writer keeps in memory (`LedgerClock`).
    public let ledgerClock = LedgerClock()

    /// SQLite's process-wide options, set once, before the first store opens its connections
    /// (`showrunner_sqlite_configure`): no memory statistics (no process-wide mutex on every
    /// allocation), and multi-thread mode. A connection's own mutex is off either way: GRDB opens
    /// its serialized connections with `SQLITE_OPEN_NOMUTEX`. 0 when set; SQLITE_MISUSE when
    /// something in the process had opened a connection first (the defaults stay: correct, a
    /// little slower).
    static let sqliteOptions: Int32 = showrunner_sqlite_configure()

    /// The VFS that writes a commit's WAL frames in one write (`showrunner_wal_vfs_register`,
    /// `Sources/CSQLiteConfig/wal_vfs.c`), made SQLite's default before the first store opens
    /// its connections. 0 when registered; otherwise SQLite's own default stays (correct, with
    /// two writes a frame).
    static let walVFS: Int32 = showrunner_wal_vfs_register()

    /// Writes SQLite asked of WAL files through that VFS, and writes that reached the files,
    /// in this process so far.
    public static func walWrites() -> (asked: Int64, written: Int64) {
        var (asked, written): (Int64, Int64) = (0, 0)
        showrunner_wal_vfs_counts(&asked, &written)
        return (asked, written)
    }

    let pool: DatabasePool
    let logger: Logger
    let queue = Mutex(GroupCommitState())
    /// `showrunner.store.commits`, `showrunner.store.ops` (counters) and
    /// `showrunner.store.batch_ops` (operations per committed transaction, a histogram): how well
    /// the group commit is batching.
    let commitMetrics: CommitMetrics
    /// Where the store's metrics go; the consumers' runner counts its own there too.
    let metricsFactory: any MetricsFactory
    /// Background checkpoints, when `configuration.checkpointInterval` is set.
    private let checkpointer: WALCheckpointer?
    /// The priority the writer runs its batches at.
    let writerPriority: WriterPriority
    /// The cores the writer and the WAL's sync work on.
    let pinning: CorePinning
    /// The WAL's own fsync, for `Synchronous.pipelined`.
    let walSync: WALSync?
    /// With `Synchronous.pipelined`: the journal's end as of the last WAL sync (a commit is
    /// visible to readers before its sync; see `durableJournalEnd`).
    private let syncedJournalEnd: Atomic<Int64>
    /// Whether the WAL sync's failure has been logged: at `critical` once, not for every batch
    /// after it (each of which fails too, `WALSync`).
    let durabilityFailureLogged = Atomic<Bool>(false)
    /// What the writer keeps from one batch to the next (balances, combo streaks, gift keys).
    let kept: WriterKept
    /// Where a committed batch's callers are answered, in commit order: off the writer, whose
    /// next batch does not wait for a batch's worth of wake-ups.
    let answers = DispatchQueue(label: "showrunner.store.answers")

    /// Opens (creating if needed) and migrates the database at `configuration.path`.
    /// - Parameters:
    ///   - configuration: path, durability and batching.
    ///   - logger: receives commit failures.
    /// - Throws: `StorageError.openFailed` or `StorageError.migrationFailed`.
    public convenience init(
        _ configuration: StoreConfiguration,
        logger: Logger = Logger(label: "showrunner.storage"),
        metrics: any MetricsFactory = MetricsSystem.factory
    ) throws {
        try self.init(configuration, logger: logger, metrics: metrics, willSyncWAL: nil)
    }

    /// As `init(_:logger:metrics:)`, with a hook run before each of the WAL's own fsyncs
    /// (`Synchronous.pipelined`) and a stand-in for that `fdatasync`, for tests.
    init(
        _ configuration: StoreConfiguration, logger: Logger, metrics: any MetricsFactory, willSyncWAL: (@Sendable () -> Void)?,
        syncWALFile: (@Sendable (Int32) -> Int32)? = nil
    ) throws {
        self.configuration = configuration
        self.kept = WriterKept(giftKeysFlushAt: configuration.giftKeysFlushAt)
        self.logger = logger
        self.commitMetrics = CommitMetrics(factory: metrics)
        self.metricsFactory = metrics
        self.signal = JournalSignal()
        // The options first: registering a VFS initializes SQLite, after which they cannot be set.
        if Self.sqliteOptions != 0 {
            logger.debug("SQLite was initialized before the store: its connections keep their mutexes", metadata: ["sqlite_config": "\(Self.sqliteOptions)"])
        }
        if Self.walVFS != 0 {
            logger.warning("the default VFS cannot be wrapped: WAL frames are written one write each", metadata: ["sqlite_vfs": "\(Self.walVFS)"])
        }
        var config = Configuration()
        config.label = "showrunner"
        config.maximumReaderCount = configuration.readersMax
        let timeout = configuration.busyTimeout.components
        config.busyMode = .timeout(Double(timeout.seconds) + Double(timeout.attoseconds) / 1e18)
        do {
            pool = try DatabasePool(path: configuration.path, configuration: config)
            // Only the writer's level matters, and GRDB sets NORMAL on it when it enables WAL,
            // after `prepareDatabase` has run: so set ours afterwards, on the writer itself.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(configuration.synchronous.pragma)")
                // A group commit nests a savepoint per operation; their statement journals
                // outgrow SQLite's in-memory spill size and went to temporary files.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                // A negative size is in KiB.
                try db.execute(sql: "PRAGMA cache_size = -\(configuration.writerCacheBytes / 1024)")
                if configuration.checkpointInterval != nil {
                    // `WALCheckpointer` does it; the writer only steps in if that falls behind.
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = \(StoreConfiguration.walPagesMax)")
                }
            }
        } catch {
            throw StorageError.openFailed(path: configuration.path, reason: "\(error)")
        }
        do {
            try Migrations.migrator().migrate(pool)
        } catch {
            throw StorageError.migrationFailed(reason: "\(error)")
        }
        var journalEnd: Int64 = 0
        do {
            journalEnd = try pool.writeWithoutTransaction { [kept, pool, logger] db in
                try kept.install(on: db)
                kept.giftKeys.keepFilter(build: Self.giftKeyFilterBuilder(pool, logger))
                return try Self.journalEnd(db)
            }
        } catch {
            throw StorageError.openFailed(path: configuration.path, reason: "\(error)")
        }
        writerPriority = WriterPriority(boost: configuration.writerPriorityBoost)
        pinning = CorePinning(enabled: configuration.pinsCores)
        if configuration.writerPriorityBoost > 0 && !writerPriority.isRaised {
            logger.notice("the store's writer runs at the process's priority: raising it needs CAP_SYS_NICE or RLIMIT_NICE", metadata: [
                "writer_priority_boost": "\(configuration.writerPriorityBoost)",
            ])
        }
        walSync = configuration.synchronous == .pipelined
            ? try WALSync(
                databasePath: configuration.path, metrics: metrics, pinning: pinning, willSync: willSyncWAL,
                syncFile: syncWALFile ?? WALSync.fdatasyncFile) : nil
        // What the file holds at open is what recovery found, never answered by this process.
        syncedJournalEnd = Atomic(journalEnd)
        checkpointer = configuration.checkpointInterval.map {
            WALCheckpointer(path: configuration.path, interval: $0, synchronous: configuration.synchronous,
                busyTimeout: configuration.busyTimeout, logger: logger)
        }
    }

    deinit { checkpointer?.stop() }

    /// How the writer has looked up gift keys not in its tail since the store opened: whether
    /// the filter is in use, lookups it answered alone, and searches of `gift_keys`.
    func giftKeyLookups() async throws -> (filter: Bool, filterAnswers: Int, indexSearches: Int) {
        try await write { [kept] _ in (kept.giftKeys.filterInUse(), kept.giftKeys.filterAnswers, kept.giftKeys.indexSearches) }
    }

    /// Builds the gift keys' filter (`GiftKeyFilter`) on a reader, off the writer, and hands it
    /// to the writer's index through `delivery`.
    static func giftKeyFilterBuilder(_ pool: DatabasePool, _ logger: Logger) -> @Sendable (GiftKeyFilterDelivery) -> Void {
        { delivery in
            pool.asyncRead { result in
                do {
                    delivery.deliver(.built(try GiftKeyFilter.build(try result.get())))
                } catch {
                    logger.warning("the gift keys' filter could not be built: keys are searched for in the index", metadata: ["error": "\(error)"])
                    delivery.deliver(.failed)
                }
            }
        }
    }

    /// Runs `body` on a reader connection, against the last committed state.
    /// - Throws: the error thrown by `body`, or a database error.
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        // `pool.read` with the snapshot's BEGIN and COMMIT prepared once per reader
        // (`inCachedReadTransaction`); reader connections are read-only, so `body` cannot write.
        try await pool.unsafeRead { db in try db.inCachedReadTransaction { try body(db) } }
    }

    /// Why the store no longer answers writes as durable, or nil while it does: once an
    /// `fdatasync` of the WAL has failed, every later write is answered with an error until the
    /// server restarts (`WALSync`), and `GET /healthz` answers 503 so that a supervisor restarts it.
    public var durabilityFailure: String? { walSync?.failureReason }

    /// The journal's last offset that is durable. Readers see a commit as soon as it is made;
    /// with `Synchronous.full` that is after its fsync, so every visible row is durable
    /// (`Int64.max`: no bound). With `.pipelined` the COMMIT returns before the WAL's fsync, so
    /// for a while rows are visible that a power cut would take back: the journal's consumers,
    /// which tell the outside world of rows (a room's gift event), read only up to this offset,
    /// as a sender hears of its gift only after the sync.
    public var durableJournalEnd: Int64 {
        walSync == nil ? .max : syncedJournalEnd.load(ordering: .acquiring)
    }

    /// After a WAL sync that covers the commits up to journal offset `end`: moves
    /// `durableJournalEnd` there, and wakes the consumers when the journal grew.
    func synced(through end: Int64, appended: Bool) {
        var current = syncedJournalEnd.load(ordering: .relaxed)
        while current < end {
            let (exchanged, original) = syncedJournalEnd.compareExchange(expected: current, desired: end, ordering: .acquiringAndReleasing)
            if exchanged { break }
            current = original
        }
        if appended { signal.poke() }
    }

    /// Commits and operations counted since the store opened, for metrics.
    public var stats: StoreStats {
        var stats = queue.withLock { $0.stats }
        stats.walSyncs = walSync?.count ?? 0
        stats.walSyncNanos = walSync?.nanos ?? 0
        return stats
    }

    /// Closes every connection. Writes still in flight fail; the store is unusable afterwards.
    /// - Throws: a database error if a connection cannot close.
    public func close() throws {
        checkpointer?.stop()
        try pool.close()
    }
}

/// Counters of the write path, readable for metrics.
public struct StoreStats: Sendable, Equatable {
    /// Transactions that committed.
    public var commits: Int = 0
    /// Operations that committed (each successful `write` or `writeAlone`).
    public var ops: Int = 0
    /// Transactions whose `BEGIN` or `COMMIT` failed.
    public var failedCommits: Int = 0
    /// Time the writer spent running committed batches' operations (with their overlays'
    /// flushes), and in their `COMMIT` (the WAL write and `fsync`), in nanoseconds: the writer's
    /// own cost per operation, apart from the durability wait.
    public var opsNanos: UInt64 = 0
    public var commitNanos: UInt64 = 0
    /// With `.pipelined`: the WAL's `fdatasync`s so far (one answers every commit made before
    /// it began), and the time spent in them, in nanoseconds. Zero at the other levels.
    public var walSyncs: Int = 0
    public var walSyncNanos: UInt64 = 0
    /// Where a group-commit operation's time goes, summed over the `waitedOps` operations of
    /// committed batches (failed operations of those batches included), in nanoseconds: queued
    /// until the writer took its batch; the batch, taken until its COMMIT returned; then, with
    /// `.pipelined`, until the WAL's sync after it was done (zero at the other levels). Divided
    /// by `waitedOps`, each is its part of a caller's wait; the rest of the wait is the caller's
    /// own (waking up after its answer, the work before its next write).
    public var waitedOps: Int = 0
    public var queueWaitNanos: UInt64 = 0
    public var batchWaitNanos: UInt64 = 0
    public var durableWaitNanos: UInt64 = 0

    /// Creates zeroed counters.
    public init() {}
}

/// The group commit's metrics.
struct CommitMetrics: Sendable {
    let commits: Counter
    let ops: Counter
    let batchOps: Recorder
    /// The writer's time in committed batches' operations and in their `COMMIT`, in
    /// nanoseconds: their growth over a second is how busy the one writer is (1e9: saturated).
    let opsNanos: Counter
    let commitNanos: Counter
    /// `StoreStats.waitedOps`, `queueWaitNanos`, `batchWaitNanos` and `durableWaitNanos`.
    let waitedOps: Counter
    let queueWait: Counter
    let batchWait: Counter
    let durableWait: Counter

    init(factory: any MetricsFactory) {
        commits = Counter(label: "showrunner.store.commits", factory: factory)
        ops = Counter(label: "showrunner.store.ops", factory: factory)
        batchOps = Recorder(label: "showrunner.store.batch_ops", factory: factory)
        opsNanos = Counter(label: "showrunner.store.writer_ops_nanoseconds", factory: factory)
        commitNanos = Counter(label: "showrunner.store.writer_commit_nanoseconds", factory: factory)
        waitedOps = Counter(label: "showrunner.store.waited_ops", factory: factory)
        queueWait = Counter(label: "showrunner.store.queue_wait_nanoseconds", factory: factory)
        batchWait = Counter(label: "showrunner.store.batch_wait_nanoseconds", factory: factory)
        durableWait = Counter(label: "showrunner.store.durable_wait_nanoseconds", factory: factory)
    }
}
