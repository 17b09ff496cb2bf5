import Engine
import Logging
import Metrics
import ServiceLifecycle

/// Publishes each consumer's journal lag (entries behind the head) as a gauge,
/// `showrunner.journal.lag{consumer}`, every `interval`.
public struct JournalLagReporter: Service {
    let consumers: ConsumerRunner
    let logger: Logger
    var interval: Duration = .seconds(5)

    /// - Parameters: consumers: the runner whose lag is reported; logger; interval: between reports.
    public init(consumers: ConsumerRunner, logger: Logger, interval: Duration = .seconds(5)) {
        self.consumers = consumers
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        // A graceful shutdown cancels the sleep, so the service group is not kept waiting.
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    for (name, lag) in try await consumers.lag() {
                        Gauge(label: "showrunner.journal.lag", dimensions: [("consumer", name)]).record(lag)
                    }
                } catch {
                    logger.warning("journal lag unavailable", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
