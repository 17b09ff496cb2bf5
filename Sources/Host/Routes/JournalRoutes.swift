import Books
import Engine
import EngineCore
import Hummingbird
import Storage

/// `/v1/admin/journal`: parked (dead-letter) events and their retry, and consumer lag.
struct JournalRoutes: RouteArea {
    let consumers: ConsumerRunner

    /// Most parked events listed at once.
    static let listMax = 500

    struct Parked: Encodable {
        let parked: [ParkedEvent]
    }

    struct Retried: Encodable {
        let resolved: Bool
        let event: ParkedEvent
    }

    struct Lag: Encodable {
        let lag: [String: Int64]
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.get("journal/parked") { request, _ in
            let q = request.uri.queryParameters
            let limit = try Self.limit(q.get("limit"))
            let status: ParkedEvent.Status?
            switch q.get("status") {
            case nil, "parked": status = .parked
            case "resolved": status = .resolved
            case "all": status = nil
            case let other?: throw RequestError("invalid_query", .badRequest, "status must be parked, resolved or all, not '\(other)'")
            }
            return try JSONBody.response(Parked(parked: try await consumers.parked(status: status, limit: limit)))
        }
        routes.staff.post("journal/parked/:id/retry") { _, context in
            guard let id = Int64(try context.parameters.require("id")) else {
                throw RequestError("invalid_path", .badRequest, "parked event ids are integers")
            }
            switch try await consumers.retry(parkedID: id) {
            case .resolved(let e): return try JSONBody.response(Retried(resolved: true, event: e))
            case .failedAgain(let e): return try JSONBody.response(Retried(resolved: false, event: e), status: .conflict)
            }
        }
        routes.staff.get("journal/lag") { _, _ in
            try JSONBody.response(Lag(lag: try await consumers.lag()))
        }
    }

    static func limit(_ text: String?) throws -> Int {
        guard let text else { return 100 }
        guard let n = Int(text), (1...listMax).contains(n) else {
            throw RequestError("invalid_query", .badRequest, "limit must be an integer in 1...\(listMax)")
        }
        return n
    }
}
