import Logging
import Metrics
import ServiceLifecycle

/// Expires due two-phase transfers on a schedule: every `interval` it expires, on the ledger's
/// clock, every pending transfer whose time has come, in batches of `batchMax` until none are
/// due, so reservations are released even on accounts that nothing debits again (lazy expiry
/// only frees the accounts a chain touches).
///
/// Counts what it expired in `showrunner.ledger.pending_expired` and stops on graceful shutdown
/// (a batch already queued for commit finishes first).
public struct PendingExpiry: Service {
    /// Counter of pending transfers expired by the schedule.
    public static let expiredLabel = "showrunner.ledger.pending_expired"
    /// The default period between sweeps.
    public static let intervalDefault: Duration = .seconds(1)

    /// The ledger whose reservations expire.
    public let ledger: Ledger
    /// Time between the end of one sweep and the start of the next.
    public let interval: Duration
    /// Most transfers expired per transaction.
    public let batchMax: Int
    let expired: Counter
    let logger: Logger

    /// Creates the schedule.
    /// - Parameters:
    ///   - ledger: the ledger; its clock decides what is due.
    ///   - interval: period between sweeps, positive (`intervalDefault` by default).
    ///   - batchMax: transfers per transaction, 1...`Ledger.expireBatchMax` (the maximum by default).
    ///   - metrics: factory of the expiry counter (the process-wide one by default).
    ///   - logger: receives sweeps that expired something, and failures.
    public init(
        ledger: Ledger, interval: Duration = PendingExpiry.intervalDefault, batchMax: Int = Ledger.expireBatchMax,
        metrics: any MetricsFactory = MetricsSystem.factory, logger: Logger
    ) {
        precondition(interval > .zero, "interval must be positive")
        precondition((1...Ledger.expireBatchMax).contains(batchMax), "batchMax out of range")
        self.ledger = ledger
        self.interval = interval
        self.batchMax = batchMax
        self.expired = Counter(label: Self.expiredLabel, factory: metrics)
        self.logger = logger
    }

    /// Sweeps every `interval` until graceful shutdown or cancellation. A failed sweep is
    /// logged and retried at the next tick: what was due stays due.
    public func run() async throws {
        logger.info("pending expiry running", metadata: ["interval": "\(interval)", "batch_max": "\(batchMax)"])
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    try await sweep()
                } catch {
                    logger.error("pending expiry failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
        logger.info("pending expiry stopped")
    }

    /// Expires every pending transfer due now, one transaction per batch, until a batch comes
    /// back short (or the task is cancelled between batches).
    /// - Returns: how many were expired.
    /// - Throws: storage errors; batches committed before the error stay committed and counted.
    @discardableResult
    public func sweep() async throws -> Int {
        var total = 0
        defer {
            if total > 0 {
                expired.increment(by: Int64(total))
                logger.info("pending transfers expired", metadata: ["count": "\(total)"])
            }
        }
        while !Task.isCancelled {
            let batch = try await ledger.expirePending(limit: batchMax)
            total += batch.count
            if batch.count < batchMax { break }
        }
        return total
    }
}
