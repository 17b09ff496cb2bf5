import Engine
import EngineCore
import Hummingbird
import Prometheus

/// `GET /healthz` (liveness and version) and `GET /metrics` (Prometheus text format).
struct HealthRoutes: RouteArea {
    /// The registry rendered by `/metrics`.
    let registry: PrometheusCollectorRegistry
    /// Whether the server runs with `--dev` (public secrets allowed).
    var developmentMode = false

    /// Body of `GET /healthz`.
    struct Health: ResponseEncodable {
        let status: String
        let version: String
        /// `production`, or `development` when started with `--dev`.
        let mode: String
    }

    func addRoutes(to routes: AppRoutes) {
        let mode = developmentMode ? "development" : "production"
        routes.root.get("healthz") { _, _ in
            Health(status: "ok", version: Showrunner.version, mode: mode)
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
