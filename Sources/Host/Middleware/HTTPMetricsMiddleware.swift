import Hummingbird
import Metrics
import Synchronization

/// Counts requests and times them, by method, route pattern and status:
/// `showrunner.http.requests` (counter) and `showrunner.http.request.duration` (timer).
///
/// The route dimension is the matched pattern (`/v1/rooms/{id}`), or `NotFound`, never the raw
/// path, so a scanner cannot explode the number of series. Time runs until the response head
/// is ready; streaming a body afterwards is not included.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Counter of finished requests.
    static var requestsLabel: String { "showrunner.http.requests" }
    /// Timer of request handling.
    static var durationLabel: String { "showrunner.http.request.duration" }

    /// Where the metrics are created (a Prometheus factory in `serve`, a private one in tests).
    let factory: any MetricsFactory
    /// The counter and timer of each method, route and status, made once: making them anew per
    /// request looked the series up by name in the factory every time.
    private let series = SeriesCache()

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status, elapsed: started.duration(to: .now))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, context, status: status, elapsed: started.duration(to: .now))
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: HTTPResponse.Status, elapsed: Duration) {
        let key = SeriesCache.Key(method: request.method.rawValue, route: context.endpointPath ?? "NotFound", status: status.code)
        let (counter, timer) = series.handles(key) {
            let dimensions = [("method", key.method), ("route", key.route), ("status", String(key.status))]
            return (Counter(label: Self.requestsLabel, dimensions: dimensions, factory: factory),
                    Metrics.Timer(label: Self.durationLabel, dimensions: dimensions, factory: factory))
        }
        counter.increment()
        timer.record(duration: elapsed)
    }
}

/// The metric handles of each (method, route pattern, status), shared by all requests. Bounded by
/// the routes times the statuses they answer with, since the route is the matched pattern.
final class SeriesCache: Sendable {
    struct Key: Hashable, Sendable {
        let method: String
        let route: String
        let status: Int
    }

    private let handles = Mutex<[Key: (Counter, Metrics.Timer)]>([:])

    func handles(_ key: Key, make: () -> (Counter, Metrics.Timer)) -> (Counter, Metrics.Timer) {
        if let found = handles.withLock({ $0[key] }) { return found }
        let made = make()
        return handles.withLock { cache in
            if let found = cache[key] { return found }
            cache[key] = made
            return made
        }
    }
}
