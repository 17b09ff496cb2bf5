import Books
import Dispatch
import Engine
import EngineCore
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Runs journal consumers: each reads the journal after its durable cursor and applies
/// entries in one write transaction that also advances the cursor, so effects happen exactly
/// once while delivery is at least once. A failing entry is retried; after `maxAttempts`
/// failures it is parked and the consumer moves past it, so a poison event neither blocks the
/// consumer forever nor disappears.
public final class ConsumerRunner: Service, Sendable {
    /// The store holding the journal, the cursors and the consumers' state.
    public let store: Store
    /// The consumers, by unique name.
    public let consumers: [any JournalConsumer]
    /// Failed attempts after which an entry is parked.
    public let maxAttempts: Int
    /// Most entries per page: one transaction reads one page per consumer, or, for consumers
    /// that widen their batches, pages while behind, up to `checkpointInterval`.
    public let batchSize: Int
    /// How long a wide batch goes on reading pages before it commits (`widensBatches`).
    public let checkpointInterval: Duration
    /// How long a wide batch prepared off the writer goes on reading when the consumer's last
    /// one ended still behind (catching up), at least `checkpointInterval`: the reading holds
    /// no writer, the commit writes each owner's state once, so a consumer behind commits less
    /// often and catches up sooner. A batch that reads to the journal's end puts the consumer
    /// back on `checkpointInterval`. Batches run on the writer keep `checkpointInterval`.
    public let catchUpCheckpointInterval: Duration
    /// The consumers whose last off-writer batch ended behind (`catchUpCheckpointInterval`).
    private let catchingUp = Mutex<Set<String>>([])
    /// Most entries in a wide batch: a bound on the memory a consumer sums them in.
    public let wideBatchEntriesMax: Int
    /// Longest checkpoint interval accepted: the writer is shared, and a transaction that
    /// holds it longer stalls every send behind it.
    public static let checkpointIntervalMax: Duration = .seconds(1)
    /// The engine's default `catchUpCheckpointInterval`, in milliseconds, as the command line
    /// takes it: the longest accepted.
    public static let catchUpCheckpointMillisDefault: Int64 = 1_000
    /// Longest sleep between passes when no commit wakes the runner.
    public let pollInterval: Duration
    /// Times a consumer, woken within its spacing (`spacing(of:)`) of its last batch's start,
    /// slept out the rest before its next batch (every consumer together).
    let spacingWaits = Atomic<Int>(0)
    /// The least time between the starts of two of one `prompt` consumer's batches
    /// (`JournalConsumer.pace`; a `bulk` one's: `bulkBatchSpacing`, if larger) while it follows
    /// the journal (`run`): a consumer woken sooner waits out the rest, so that under load each
    /// batch gathers the commits of that time and its fixed costs (a snapshot, its page reads,
    /// a transaction on the shared writer, its wake-ups) are paid once for all of them. A
    /// consumer woken after a longer quiet starts at once, so a lone event is not delayed.
    /// `drain` never waits.
    public let batchSpacing: Duration
    /// Longest `batchSpacing` accepted: effects (leaderboards pushed to rooms, a gift's steps)
    /// trail their facts by up to this much under load.
    public static let batchSpacingMax: Duration = .milliseconds(batchSpacingMillisMax)
    /// `batchSpacingMax` in milliseconds, as the command line takes it.
    public static let batchSpacingMillisMax: Int64 = 1_000
    /// The default `batchSpacing`: well under what a viewer notices on a leaderboard, and long
    /// enough for batches of a few hundred gifts at the rates the benchmarks drive.
    public static let batchSpacingDefault: Duration = .milliseconds(batchSpacingMillisDefault)
    /// `batchSpacingDefault` in milliseconds, as the command line takes it.
    public static let batchSpacingMillisDefault: Int64 = 20
    /// The least time between the starts of two batches of a `bulk` consumer
    /// (`JournalConsumer.pace`) while it follows the journal: the larger of this and
    /// `batchSpacing`. At most `batchSpacingMax`.
    public let bulkBatchSpacing: Duration
    /// The default `bulkBatchSpacing`: the shortest checkpoint interval live-ops state was
    /// designed for. On the socket gifts benchmark (`benchmarks/LOG.md`, 2026-12-06T22:00Z) it
    /// took the writer's busy share from 60–63% to 56–59% against 20 ms; the CPU a gift takes
    /// and the rate did not move at that load.
    public static let bulkBatchSpacingDefault: Duration = .milliseconds(bulkBatchSpacingMillisDefault)
    /// `bulkBatchSpacingDefault` in milliseconds, as the command line takes it.
    public static let bulkBatchSpacingMillisDefault: Int64 = 100
    /// How far behind the journal's durable end, in rows, a consumer's cursor may stay in the
    /// service loop (`run`) while none of those rows is of its types: until then a batch that
    /// would only move the cursor past them is not run (`idle`). `drain` always moves it.
    public static let idleCursorRowsMax: Int64 = 4_096
    /// Whether consumers that can (`OffWriterConsumer`) run their handlers off the writer, on a
    /// read snapshot, so that two such consumers use two cores; the writer then runs only
    /// their writes.
    public let offWriter: Bool
    /// The journal's newest rows, read once for all the consumers that prepare off the writer.
    let tail = JournalTail()
    /// How many consumers' off-writer passes prepare at once while the runner follows the
    /// journal (`run`); `drain` does not wait for it.
    let prepareGate: PrepareGate
    /// Most passes preparing at once while following the journal: one fewer than the cores, at
    /// least one (`PrepareGate`), so the event loops and the writer keep a core.
    public static let preparesMaxDefault = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
    /// Largest `preparesMax` accepted.
    public static let preparesMaxLimit = 64
    /// Most consumers' off-writer passes preparing at once while following the journal.
    public var preparesMax: Int { prepareGate.slots }
    /// The longest a pass waits for a prepare slot before it prepares without one
    /// (`PrepareGate.waitMax`): the default bulk spacing, 100 ms, so under a load the slots
    /// cannot carry a consumer falls behind by about one batch more, not for as long as the load lasts.
    public static let prepareWaitMaxDefault: Duration = bulkBatchSpacingDefault
    /// The longest a pass waits for a prepare slot before it prepares without one.
    public var prepareWaitMax: Duration { prepareGate.waitMax }
    let clock: any WallClock
    let logger: Logger
    /// The ledger a consumer's transaction moves money through (`StoreTransaction.ledger`);
    /// nil for runners whose consumers move none.
    let ledger: Ledger?
    /// Each consumer's `showrunner_consumer_writer_nanoseconds` counter, made once: making one
    /// looks it up in the metrics factory, under its lock, and a batch ends many times a second.
    let writerNanos: [String: Counter]
    /// Each consumer's `showrunner_consumer_catch_up_batches` counter: off-writer batches read
    /// for the catch-up interval (`catchUpCheckpointInterval`), made once as `writerNanos`.
    let catchUpBatches: [String: Counter]

    /// Creates a runner.
    /// - Parameters:
    ///   - store: the database.
    ///   - consumers: consumers with unique, non-empty names.
    ///   - maxAttempts: failures before parking, at least 1 (5 by default).
    ///   - batchSize: entries per transaction, 1...`Journal.readLimitMax` (256 by default).
    ///   - checkpointInterval: how long a wide batch reads on, 0...`checkpointIntervalMax`
    ///     (100 ms by default; 0: one page per transaction for every consumer).
    ///   - catchUpCheckpointInterval: how long an off-writer wide batch reads on while the
    ///     consumer is catching up, `checkpointInterval`...`checkpointIntervalMax` (nil:
    ///     `checkpointInterval`, so every batch has the same bound).
    ///   - wideBatchEntriesMax: most entries in a wide batch, at least `batchSize` (65,536).
    ///   - pollInterval: fallback polling period (1 s by default).
    ///   - batchSpacing: least time between one consumer's batch starts in `run`,
    ///     0...`batchSpacingMax` (`batchSpacingDefault`; 0: a batch after every commit).
    ///   - bulkBatchSpacing: the same for `bulk` consumers, 0...`batchSpacingMax`
    ///     (`bulkBatchSpacingDefault`); the larger of the two applies to them.
    ///   - preparesMax: most consumers preparing off the writer at once in `run`,
    ///     1...`preparesMaxLimit` (`preparesMaxDefault`: one fewer than the cores, at least 1).
    ///   - prepareWaitMax: the longest a pass waits for one of those slots before it prepares
    ///     without one, at least 0 (`prepareWaitMaxDefault`).
    ///   - offWriter: run `OffWriterConsumer`s' handlers off the writer (true by default).
    ///   - clock: timestamps of parked and resolved events.
    ///   - ledger: the ledger consumers' transactions move money through (nil: they move none,
    ///     and reaching `ledger` on their transaction is a programming error).
    ///   - logger: failures, parks and retries.
    public init(
        store: Store, consumers: [any JournalConsumer], maxAttempts: Int = 5, batchSize: Int = 256,
        checkpointInterval: Duration = .milliseconds(100), catchUpCheckpointInterval: Duration? = nil, wideBatchEntriesMax: Int = 65_536,
        pollInterval: Duration = .seconds(1),
        batchSpacing: Duration = ConsumerRunner.batchSpacingDefault,
        bulkBatchSpacing: Duration = ConsumerRunner.bulkBatchSpacingDefault,
        preparesMax: Int = ConsumerRunner.preparesMaxDefault, prepareWaitMax: Duration = ConsumerRunner.prepareWaitMaxDefault,
        offWriter: Bool = true,
        clock: any WallClock = SystemWallClock(), ledger: Ledger? = nil, logger: Logger
    ) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        precondition((1...Journal.readLimitMax).contains(batchSize), "batchSize out of range")
        precondition(checkpointInterval >= .zero && checkpointInterval <= Self.checkpointIntervalMax, "checkpointInterval out of range")
        let catchUp = catchUpCheckpointInterval ?? checkpointInterval
        precondition(catchUp >= checkpointInterval && catchUp <= Self.checkpointIntervalMax, "catchUpCheckpointInterval out of range")
        precondition(wideBatchEntriesMax >= batchSize, "wideBatchEntriesMax below batchSize")
        precondition(batchSpacing >= .zero && batchSpacing <= Self.batchSpacingMax, "batchSpacing out of range")
        precondition(bulkBatchSpacing >= .zero && bulkBatchSpacing <= Self.batchSpacingMax, "bulkBatchSpacing out of range")
        precondition((1...Self.preparesMaxLimit).contains(preparesMax), "preparesMax out of range")
        precondition(prepareWaitMax >= .zero, "prepareWaitMax out of range")
        let names = consumers.map(\.name)
        precondition(!names.contains(""), "consumer names must not be empty")
        precondition(Set(names).count == names.count, "consumer names must be unique")
        self.store = store
        self.consumers = consumers
        self.maxAttempts = maxAttempts
        self.batchSize = batchSize
        self.checkpointInterval = checkpointInterval
        self.catchUpCheckpointInterval = catchUp
        self.wideBatchEntriesMax = wideBatchEntriesMax
        self.pollInterval = pollInterval
        self.batchSpacing = batchSpacing
        self.bulkBatchSpacing = bulkBatchSpacing
        prepareGate = PrepareGate(slots: preparesMax, waitMax: prepareWaitMax)
        self.offWriter = offWriter
        self.clock = clock
        self.ledger = ledger
        self.logger = logger
        writerNanos = Dictionary(uniqueKeysWithValues: names.map { name in
            (name, Counter(label: "showrunner.consumer.writer_nanoseconds", dimensions: [("consumer", name)], factory: store.metricsFactory))
        })
        catchUpBatches = Dictionary(uniqueKeysWithValues: names.map { name in
            (name, Counter(label: "showrunner.consumer.catch_up_batches", dimensions: [("consumer", name)], factory: store.metricsFactory))
        })
    }

    /// Applies new entries as they are committed until graceful shutdown, each consumer on its
    /// own (`follow`). A consumer blocked only by failing entries waits `pollInterval` before
    /// retrying them.
    /// - Throws: nothing in practice; errors of a batch are logged and retried.
    public func run() async throws {
        logger.info("journal consumers running", metadata: ["consumers": "\(consumers.map(\.name))"])
        await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                for consumer in consumers {
                    group.addTask { [self] in await follow(consumer) }
                }
            }
        }
        logger.info("journal consumers stopped")
    }

    /// One consumer's batches, one after another, until the task is cancelled: it does not
    /// wait for the other consumers' batches (a pass that did would leave a core idle while
    /// the slower consumer finishes), and sleeps only when it is caught up or blocked.
    private func follow(_ consumer: any JournalConsumer) async {
        var quiet = true
        let clock = ContinuousClock()
        while !Task.isCancelled {
            // Read before the batch, so an entry committed while it runs wakes the consumer at
            // once. The store pokes only after commits that appended to the journal, so batches
            // that commit nothing new (this consumer's or another's) wake no one.
            let seen = store.signal.generation
            let began = clock.now
            var report = DrainReport()
            do {
                // A consumer whose last batch applied nothing first asks a snapshot whether
                // anything of its types came (one that applied something goes straight to its
                // next batch): a consumer of rare facts no longer takes the writer for every
                // commit of other facts only to move its cursor.
                if quiet, try await idle(consumer) {
                    report.caughtUp = true
                } else {
                    report = try await stretch(consumer, gated: true)
                    quiet = report.applied == 0 && report.parked == 0
                }
            } catch {
                logger.error("journal consumer batch failed", metadata: ["consumer": "\(consumer.name)", "error": "\(error)"])
                report.caughtUp = false
            }
            if report.caughtUp {
                _ = await store.signal.wait(after: seen, timeout: pollInterval)
                // Woken within its spacing of this batch's start: gather until it is over.
                let next = began.advanced(by: spacing(of: consumer))
                if clock.now < next {
                    spacingWaits.add(1, ordering: .relaxed)
                    try? await Task.sleep(until: next, clock: clock)
                }
            } else if report.applied == 0 && report.parked == 0 {
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    /// The least time between the starts of two of `consumer`'s batches in `run`: its pace's.
    func spacing(of consumer: any JournalConsumer) -> Duration {
        switch consumer.pace {
        case .prompt: batchSpacing
        case .bulk: max(batchSpacing, bulkBatchSpacing)
        }
    }

    /// Whether a batch of `consumer` now would only move its cursor past rows of other types,
    /// fewer than `idleCursorRowsMax` of them: read on a snapshot, off the writer. False for a
    /// consumer of every type, one inside a packed row, or one with failing entries (its batch
    /// retries them).
    func idle(_ consumer: any JournalConsumer) async throws -> Bool {
        guard let types = consumer.types else { return false }
        let name = consumer.name
        return try await store.read { [self] db in
            let position = try Self.position(of: name, in: db)
            guard position.index == JournalPosition.wholeRow else { return false }
            let end = try readableEnd(db)
            guard end > position.offset else { return true }
            guard end - position.offset < Self.idleCursorRowsMax else { return false }
            guard try Self.failingCount(of: name, in: db) == 0 else { return false }
            return try !Journal.hasRows(db, after: position.offset, through: end, types: types)
        }
    }

    /// Runs every consumer until all have reached the end of the journal: each consumer's
    /// batches one after another, the consumers side by side (`drainEach`), then a pass over
    /// all of them that finds each at the end (one consumer may append facts another reads).
    /// Failing entries are retried at once, so a poison entry ends up parked within
    /// `maxAttempts` passes.
    /// - Returns: the sum of every batch.
    /// - Throws: a `FatalConsumerError` or a storage error; committed batches stay committed.
    @discardableResult
    public func drain() async throws -> DrainReport {
        var total = DrainReport()
        while true {
            total.add(try await drainEach())
            let report = try await drainOnce()
            total.add(report)
            if report.caughtUp { return total }
        }
    }

    /// Each consumer's batches, one after another, until it is caught up or a batch moves
    /// nothing (failing entries); the consumers side by side, none waiting for another's batch.
    /// - Throws: the first consumer's fatal or storage error, after every consumer stopped.
    func drainEach() async throws -> DrainReport {
        try await forEachConsumer { [self] consumer in
            var total = DrainReport()
            while true {
                let report = try await stretch(consumer)
                total.add(report)
                if report.caughtUp || (report.applied == 0 && report.parked == 0) { return total }
            }
        }
    }

    /// One batch for every consumer, consumers in parallel (their transactions share a group
    /// commit), each consumer in its own transaction.
    /// - Returns: what the pass did.
    /// - Throws: the first consumer's fatal or storage error, after every consumer finished.
    @discardableResult
    public func drainOnce() async throws -> DrainReport {
        try await forEachConsumer { [self] consumer in try await batch(consumer) }
    }

    /// Runs `body` for every consumer in parallel and sums the reports.
    /// - Throws: the first error, after every consumer's `body` returned.
    private func forEachConsumer(_ body: @escaping @Sendable (any JournalConsumer) async throws -> DrainReport) async throws -> DrainReport {
        try await withThrowingTaskGroup(of: DrainReport.self) { group in
            for consumer in consumers {
                group.addTask { try await body(consumer) }
            }
            var total = DrainReport()
            var firstError: (any Error)?
            while let next = await group.nextResult() {
                switch next {
                case .success(let report): total.add(report)
                case .failure(let error): firstError = firstError ?? error
                }
            }
            if let firstError { throw firstError }
            return total
        }
    }

    /// One batch of `consumer` in its own transaction: `stretch` with one batch.
    /// - Throws: a `FatalConsumerError` or a storage error.
    func batch(_ consumer: any JournalConsumer) async throws -> DrainReport {
        try await stretch(consumer, batchesMax: 1)
    }

    /// Batches of `consumer` up to the end of the journal as the last one saw it, at most
    /// `batchesMax` of them: an `OffWriterConsumer`'s pipelined off the writer (`pipeline`),
    /// then, if one was handed back, that one on the writer; any other consumer's one batch.
    /// The report is caught up when the last batch is. `gated`: each off-writer batch waits
    /// for a slot of `prepareGate` before it prepares (the service loop).
    /// - Throws: a `FatalConsumerError` or a storage error.
    func stretch(_ consumer: any JournalConsumer, batchesMax: Int = .max, gated: Bool = false) async throws -> DrainReport {
        guard offWriter, let offWriterConsumer = consumer as? any OffWriterConsumer else { return try await onWriter(consumer) }
        var (report, handBack) = try await pipeline(offWriterConsumer, batchesMax: batchesMax, gated: gated)
        if handBack {
            let last = try await onWriter(consumer)
            report.caughtUp = true
            report.add(last)
        }
        return report
    }

    /// One batch of `consumer` on the writer. An off-writer consumer hands the writer only what
    /// it cannot do off it (an entry that reads host state, a tick): one page, and its next
    /// batch is off the writer again.
    private func onWriter(_ consumer: any JournalConsumer) async throws -> DrainReport {
        if !(offWriter && consumer is any OffWriterConsumer) {
            do {
                let report = try await store.write { [self] db in try onWriterTime(consumer) { try process(consumer, in: db) } }
                consumer.settled(committed: true)
                return report
            } catch is WideBatchFailed {
                // Nothing of the wide batch was written: run it again one page wide.
                consumer.settled(committed: false)
            } catch {
                consumer.settled(committed: false)
                throw error
            }
        }
        do {
            let report = try await store.write { [self] db in try onWriterTime(consumer) { try process(consumer, in: db, wide: false) } }
            consumer.settled(committed: true)
            return report
        } catch {
            consumer.settled(committed: false)
            throw error
        }
    }

    /// Runs `body` (a consumer's batch on the writer) and counts its time in
    /// `showrunner_consumer_writer_nanoseconds{consumer}`: how much of the one writer each
    /// consumer takes.
    func onWriterTime<T>(_ consumer: any JournalConsumer, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            writerNanos[consumer.name]?.increment(by: Int64(clamping: DispatchTime.now().uptimeNanoseconds &- start))
        }
        return try body()
    }

    /// Per consumer: the latest journal offset minus the consumer's cursor, for metrics; 0 for
    /// a consumer of some types when none of the rows after its cursor is of them (its cursor
    /// may trail such rows: `idleCursorRowsMax`).
    /// - Throws: database errors.
    public func lag() async throws -> [String: Int64] {
        let named = consumers.map { ($0.name, $0.types) }
        return try await store.read { db in
            let latest = try Journal.latestOffset(db)
            var lag: [String: Int64] = [:]
            for (name, types) in named {
                let position = try Self.position(of: name, in: db)
                var behind = latest - position.offset
                if behind > 0, let types, position.index == JournalPosition.wholeRow,
                   try !Journal.hasRows(db, after: position.offset, through: latest, types: types)
                {
                    behind = 0
                }
                lag[name] = behind
            }
            return lag
        }
    }
}

extension ConsumerRunner {
    /// How long `consumer`'s next off-writer wide batch may read: `catchUpCheckpointInterval`
    /// when its last one ended behind, `checkpointInterval` otherwise.
    func offWriterCheckpointInterval(_ consumer: String) -> Duration {
        guard catchingUp.withLock({ $0.contains(consumer) }) else { return checkpointInterval }
        catchUpBatches[consumer]?.increment()
        return catchUpCheckpointInterval
    }

    /// Records whether `consumer`'s off-writer batch ended behind (it read full pages up to its
    /// bound) or at the journal's end.
    func noteOffWriterBatch(_ consumer: String, endedBehind: Bool) {
        guard catchUpCheckpointInterval > checkpointInterval else { return }
        catchingUp.withLock { set in
            if endedBehind { set.insert(consumer) } else { set.remove(consumer) }
        }
    }

    /// Whether `consumer`'s last off-writer batch ended behind (tests).
    func isCatchingUp(_ consumer: String) -> Bool { catchingUp.withLock { $0.contains(consumer) } }
}
