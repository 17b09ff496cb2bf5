import Hummingbird
import Metrics

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
        let dimensions = [
            ("method", request.method.rawValue),
            ("route", context.endpointPath ?? "NotFound"),
            ("status", String(status.code)),
        ]
        Counter(label: Self.requestsLabel, dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: Self.durationLabel, dimensions: dimensions, factory: factory).record(duration: elapsed)
    }
}
