import Engine
import EngineCore
import Foundation
import Hummingbird
import NIOCore
import HummingbirdCore
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Storage

/// The collaborators the application is built from. `serve` makes the real ones; tests
/// inject their own (a fresh metrics registry, a fixed clock, extra route areas).
struct AppServices: Sendable {
    /// Verifies bearer tokens.
    var signer: TokenSigner
    /// Registry rendered by `GET /metrics`.
    var metricsRegistry: PrometheusCollectorRegistry
    /// Factory the host's own metrics are created from. Passed explicitly rather than taken
    /// from the global `MetricsSystem`, which may be bootstrapped only once per process.
    var metricsFactory: any MetricsFactory
    /// Root logger of the application.
    var logger: Logger
    /// The clock tokens are checked against.
    var now: @Sendable () -> Date = { Date() }
    /// Called with every authenticated caller (the engine creates profiles on first use).
    var onPrincipal: (@Sendable (Principal) async throws -> Void)? = nil
    /// Route groups for engine areas (rooms, scripts, journal...), added after the built-in ones.
    var routeAreas: [any RouteArea] = []
    /// Long-lived engine services (store, scripts runtime, journal consumer runner). They join
    /// the application's `ServiceGroup` and shut down gracefully with it.
    var lifecycleServices: [any Service] = []
    /// The HTTP server: plain HTTP/1 unless realtime rooms install their WebSocket upgrade
    /// (`Realtime.httpServer`).
    var httpServer: HTTPServerBuilder = .http1()
    /// Whether `serve --dev` started the server (public secrets allowed); `/healthz` says so.
    var developmentMode = false
    /// Why the store no longer answers writes as durable (`Store.durabilityFailure`), or nil:
    /// `GET /healthz` answers 503 with it. `serve` sets it to its store's.
    var durabilityFailure: @Sendable () -> String? = { nil }
    /// The event loops the HTTP and WebSocket connections run on (NIO's shared group when nil).
    var eventLoopGroup: (any EventLoopGroup)?

    /// Services with a fresh, private Prometheus registry: what tests and `serve` start from.
    /// - Parameters: signer: token verifier; logger: root logger.
    static func standard(signer: TokenSigner, logger: Logger) -> AppServices {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Keyed by the metric's label as the code names it (dots become underscores on /metrics).
        factory.durationHistogramBuckets[StoreMetrics.walSyncDurationLabel] = StoreMetrics.walSyncDurationBuckets
        return AppServices(
            signer: signer,
            metricsRegistry: registry,
            metricsFactory: factory,
            logger: logger
        )
    }
}
