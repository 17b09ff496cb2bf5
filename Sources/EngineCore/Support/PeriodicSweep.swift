import Logging
import ServiceLifecycle

/// Runs a sweep every `interval` until graceful shutdown: the sweep is called again at once while
/// it answers a positive count (work left), at most `roundsMax` times in a row, so a batch that
/// keeps failing cannot spin. A failed sweep is logged and retried at the next tick. Reads never
/// wait for a sweep: the domains check their deadlines on every read, and the sweep only makes
/// them happen for people who never come back (privileges' `privilege_expired`, orders'
/// timeouts and hold renewals).
public struct PeriodicSweep: Service {
    /// Most sweeps in a row within one tick.
    public static let roundsMax = 16

    let name: String
    let interval: Duration
    let logger: Logger
    let sweep: @Sendable () async throws -> Int

    /// - Parameters: name: what failures are logged as; interval: period between ticks, positive;
    ///   sweep: does up to a batch of work and answers how much it did.
    public init(_ name: String, interval: Duration, logger: Logger, sweep: @escaping @Sendable () async throws -> Int) {
        precondition(interval > .zero, "interval must be positive")
        self.name = name
        self.interval = interval
        self.logger = logger
        self.sweep = sweep
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    var rounds = 0
                    while rounds < Self.roundsMax, try await sweep() > 0 { rounds += 1 }
                } catch {
                    logger.error("\(name) failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
