import Engine
import Hummingbird
import Prometheus

/// `GET /healthz` (liveness and version) and `GET /metrics` (Prometheus text format).
struct HealthRoutes: RouteArea {
    /// The registry rendered by `/metrics`.
    let registry: PrometheusCollectorRegistry

    /// Body of `GET /healthz`.
    struct Health: ResponseEncodable {
        let status: String
        let version: String
    }

    func addRoutes(to routes: AppRoutes) {
        routes.root.get("healthz") { _, _ in
            Health(status: "ok", version: Showrunner.version)
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
