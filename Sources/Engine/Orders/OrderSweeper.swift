import Logging
import ServiceLifecycle

/// Fires due order timeouts and renews holds running short, every `interval`, in batches until
/// none is left. Reads and actions never wait for it: a due timeout fires before any of them.
public struct OrderSweeper: Service {
    let orders: Orders
    let interval: Duration
    let logger: Logger

    /// - Parameters: interval: period between sweeps, positive.
    public init(orders: Orders, interval: Duration, logger: Logger) {
        precondition(interval > .zero, "interval must be positive")
        self.orders = orders
        self.interval = interval
        self.logger = logger
    }

    /// Sweeps every `interval` until graceful shutdown; a failed sweep is logged and retried.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    // A batch that keeps failing must not spin: at most a few batches per tick.
                    var rounds = 0
                    while rounds < 16, try await orders.sweep() > 0 { rounds += 1 }
                } catch {
                    logger.error("order sweep failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
