import Engine
import EngineCore
import Hummingbird
import Logging

/// Builds the HTTP application: middlewares, built-in routes, engine route areas and services.
/// Used by `showrunner serve` and by tests (through `app.test(.router)`).
/// - Parameters:
///   - config: listen address and request limits.
///   - services: token signer, metrics, logger, engine route areas and lifecycle services.
func buildApplication(_ config: AppConfig, services: AppServices) -> some ApplicationProtocol {
    Application(
        router: buildRouter(config, services: services),
        server: services.httpServer,
        configuration: .init(
            address: .hostname(config.hostname, port: config.port),
            serverName: "showrunner/\(Showrunner.version)"
        ),
        services: services.lifecycleServices,
        eventLoopGroupProvider: services.eventLoopGroup.map { .shared($0) } ?? .singleton,
        logger: services.logger
    )
}

/// Builds the router. Middleware order, outermost first: metrics (sees the final status),
/// error mapping (the one place errors become JSON), body limit; then per group: auth, roles.
func buildRouter(_ config: AppConfig, services: AppServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: HTTPMetricsMiddleware<AppRequestContext>(factory: services.metricsFactory))
    router.add(middleware: ErrorMiddleware<AppRequestContext>())
    router.add(middleware: BodyLimitMiddleware(bodyBytesMax: config.requestBodyBytesMax))

    let routes = AppRoutes(router: router, signer: services.signer, now: services.now, onPrincipal: services.onPrincipal)
    let builtIn: [any RouteArea] = [
        HealthRoutes(registry: services.metricsRegistry, developmentMode: services.developmentMode, durabilityFailure: services.durabilityFailure),
        SessionRoutes(),
        OpenAPIRoutes(),
        ConsoleRoutes(),
    ]
    // Routes for rooms, scripts and journal plug in here: each area is a `RouteArea` passed in
    // `services.routeAreas` (see Routes/RouteArea.swift), built by `serve` from its engine parts.
    for area in builtIn + services.routeAreas {
        area.addRoutes(to: routes)
    }
    return router
}
