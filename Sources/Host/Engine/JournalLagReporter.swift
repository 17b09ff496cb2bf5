import Engine
import Logging
import Metrics
import ServiceLifecycle

/// Publishes each consumer's journal lag (entries behind the head) as a gauge,
/// `showrunner.journal.lag{consumer}`, every `interval`.
struct JournalLagReporter: Service {
    let consumers: ConsumerRunner
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
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
