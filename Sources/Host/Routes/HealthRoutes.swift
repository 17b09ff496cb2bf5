import Engine
import EngineCore
import Hummingbird
import Prometheus

/// `GET /healthz` (liveness and version) and `GET /metrics` (Prometheus text format).
///
/// `/healthz` answers 503 `store_failed` once the store no longer answers writes as durable (a
/// failed `fdatasync` of its WAL: `Store.durabilityFailure`). Only a restart, whose recovery reads
/// the WAL, brings the server back, so a supervisor's probe of `/healthz` is the one that must see it.
struct HealthRoutes: RouteArea {
    /// The registry rendered by `/metrics`.
    let registry: PrometheusCollectorRegistry
    /// Whether the server runs with `--dev` (public secrets allowed).
    var developmentMode = false
    /// Why the store no longer answers writes as durable, or nil.
    var durabilityFailure: @Sendable () -> String? = { nil }

    /// Body of `GET /healthz`.
    struct Health: ResponseEncodable {
        let status: String
        let version: String
        /// `production`, or `development` when started with `--dev`.
        let mode: String
    }

    func addRoutes(to routes: AppRoutes) {
        let mode = developmentMode ? "development" : "production"
        routes.root.get("healthz") { [durabilityFailure] _, _ in
            if let reason = durabilityFailure() {
                throw RequestError("store_failed", .unavailable, "writes are no longer answered as durable until the server restarts: \(reason)")
            }
            return Health(status: "ok", version: Showrunner.version, mode: mode)
        }
        routes.root.get("metrics") { [registry] _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok,
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }
}
