import Engine

/// How a `Store` opens and writes its SQLite database.
public struct StoreConfiguration: Sendable {
    /// SQLite's `PRAGMA synchronous` level: how hard a commit waits for the disk.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// Every commit is fsynced before it becomes visible: durable across power loss. The
        /// store's default (`showrunner serve` defaults to `pipelined`, as durable when answered).
        case full = "FULL"
        /// Every commit is fsynced before any caller of its batch hears of it, as with `full`,
        /// but the writer does not wait for the disk: it commits (SQLite's NORMAL), hands the
        /// writer to the next batch, and answers this batch's callers once an `fdatasync` of the
        /// WAL has returned, so one batch's statements run while the one before it syncs.
        /// Acknowledged commits survive a power cut exactly as with `full`; what differs is that
        /// other connections (readers) may see a commit up to one fsync before it is durable, and
        /// a power cut in that window loses it (it was never acknowledged). The journal's
        /// consumers, which tell the outside world (a room's gift event), read only up to
        /// `Store.durableJournalEnd`, so none of them tells of a row before its sync.
        case pipelined = "PIPELINED"
        /// WAL is fsynced at checkpoints only: a power cut may lose the last commits.
        case normal = "NORMAL"
        /// No fsync at all: for benchmarks and throwaway data.
        case off = "OFF"

        /// The level set with `PRAGMA synchronous` on the store's connections.
        var pragma: String { self == .pipelined ? "NORMAL" : rawValue }
    }

    /// Path of the database file; its `-wal` and `-shm` siblings live next to it.
    public var path: String
    /// The durability level applied to every connection.
    public var synchronous: Synchronous
    /// Most operations grouped into one commit by `Store.write`.
    public var batchMax: Int
    /// How long a connection waits for a lock held by another process before failing.
    public var busyTimeout: Duration
    /// Most concurrent reader connections in the pool.
    public var readersMax: Int
    /// Page cache of the writer connection, in bytes (SQLite's `PRAGMA cache_size`): the
    /// journal's and the consumers' indexes are written at random places, and pages that miss
    /// the cache are read again from the file.
    public var writerCacheBytes: Int
    /// How often a connection of its own copies committed WAL frames into the database file
    /// (a passive checkpoint), so the group-commit writer does not do it inside a commit; nil
    /// leaves checkpoints to the writer (SQLite's default, every 1,000 WAL pages). With it on,
    /// the writer still checkpoints past `walPagesMax`, should the background fall behind
    /// (a reader holding an old snapshot).
    public var checkpointInterval: Duration?
    /// WAL pages past which the writer checkpoints itself while `checkpointInterval` is set.
    public static let walPagesMax = 10_000
    /// Nice levels above the process's own the writer runs at while it holds a batch (Linux,
    /// when the process may raise a thread's priority: `CAP_SYS_NICE` or `RLIMIT_NICE`; without
    /// that it runs at the process's priority). 0 leaves it alone. See `WriterPriority`.
    public var writerPriorityBoost: Int
    /// The default `writerPriorityBoost`.
    public static let writerPriorityBoostDefault = 10
    /// The largest `writerPriorityBoost`: nice levels span 40.
    public static let writerPriorityBoostMax = 19
    /// Gift keys the writer holds in memory before it writes them into the gift keys' index
    /// in one flush (`GiftKeyIndex`), spread over the next 16 commits: more keys a flush write
    /// fewer index pages a gift, and make the flush's commits longer and the journal's
    /// unindexed tail (read again at start and by readers looking a key up) longer.
    public var giftKeysFlushAt: Int
    /// The default `giftKeysFlushAt`: with the flush spread over commits, 2,048 and 4,096 both
    /// wrote about a fifth fewer WAL frames a send than 1,024 and ran about a tenth more sends a
    /// second; 8,192 no more, with a longer tail (`benchmarks/LOG.md`, 2026-12-06T05:55Z).
    public static let giftKeysFlushAtDefault = 2048
    /// The largest `giftKeysFlushAt`.
    public static let giftKeysFlushAtMax = 65_536
    /// Whether the writer and the WAL's sync each work on a core of their own (the first two
    /// the process may use) while they work: see `CorePinning`, which says why it is off by
    /// default. Nothing is pinned on fewer than two cores.
    public var pinsCores: Bool

    /// Creates a configuration.
    /// - Parameters:
    ///   - path: database file path.
    ///   - synchronous: durability level, `.full` by default.
    ///   - batchMax: most operations per group commit, at least 1 (1,024 by default).
    ///   - busyTimeout: lock wait before a "database is locked" error (5 s by default).
    ///   - readersMax: most reader connections, at least 1 (4 by default).
    ///   - writerCacheBytes: the writer's page cache, at least 64 KiB (64 MiB by default).
    ///   - checkpointInterval: background checkpoints, 1 ms–60 s (200 ms by default), or nil.
    ///   - writerPriorityBoost: 0...`writerPriorityBoostMax` (`writerPriorityBoostDefault`).
    ///   - giftKeysFlushAt: 1...`giftKeysFlushAtMax` (`giftKeysFlushAtDefault`).
    ///   - pinsCores: pin the writer and the WAL's sync to cores of their own (false by default).
    public init(
        path: String,
        synchronous: Synchronous = .full,
        batchMax: Int = 1024,
        busyTimeout: Duration = .seconds(5),
        readersMax: Int = 4,
        writerCacheBytes: Int = 64 << 20,
        checkpointInterval: Duration? = .milliseconds(200),
        writerPriorityBoost: Int = StoreConfiguration.writerPriorityBoostDefault,
        giftKeysFlushAt: Int = StoreConfiguration.giftKeysFlushAtDefault,
        pinsCores: Bool = false
    ) {
        precondition(batchMax >= 1, "batchMax must be at least 1")
        precondition(readersMax >= 1, "readersMax must be at least 1")
        precondition(writerCacheBytes >= 64 << 10, "writerCacheBytes must be at least 64 KiB")
        precondition(checkpointInterval.map { $0 >= .milliseconds(1) && $0 <= .seconds(60) } ?? true,
            "checkpointInterval must be 1 ms to 60 s")
        self.path = path
        self.synchronous = synchronous
        self.batchMax = batchMax
        self.busyTimeout = busyTimeout
        self.readersMax = readersMax
        self.writerCacheBytes = writerCacheBytes
        precondition((0...Self.writerPriorityBoostMax).contains(writerPriorityBoost), "writerPriorityBoost must be 0...19")
        self.checkpointInterval = checkpointInterval
        self.writerPriorityBoost = writerPriorityBoost
        precondition((1...Self.giftKeysFlushAtMax).contains(giftKeysFlushAt), "giftKeysFlushAt must be 1...65536")
        self.giftKeysFlushAt = giftKeysFlushAt
        self.pinsCores = pinsCores
    }
}
