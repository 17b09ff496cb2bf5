import Engine
import Hummingbird

/// Play together: `GET /v1/queues/gates` lists the entry-gate templates (`Scripts/queues/`) and
/// their typed parameters, for a streamer's tool.
struct QueueRoutes: RouteArea {
    let gates: QueueGates

    struct Templates: Encodable {
        let gates: [QueueGates.Template]
    }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.get("queues/gates") { _, _ in
            try JSONBody.response(Templates(gates: gates.templates()))
        }
    }
}
