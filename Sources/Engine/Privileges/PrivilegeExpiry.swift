import Logging
import ServiceLifecycle

/// Journals `privilege_expired` on a schedule: every `interval`, for every holding whose end has
/// come (in batches until none is left), so scripts hear of an expiry even when its holder never
/// comes back. Reads never wait for it: a holding is inactive from its exact end on every read.
public struct PrivilegeExpiry: Service {
    let privileges: Privileges
    let interval: Duration
    let logger: Logger

    /// - Parameters: interval: period between sweeps, positive.
    public init(privileges: Privileges, interval: Duration, logger: Logger) {
        precondition(interval > .zero, "interval must be positive")
        self.privileges = privileges
        self.interval = interval
        self.logger = logger
    }

    /// Sweeps every `interval` until graceful shutdown; a failed sweep is logged and retried.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    while try await privileges.sweepExpired() > 0 {}
                } catch {
                    logger.error("privilege expiry failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
