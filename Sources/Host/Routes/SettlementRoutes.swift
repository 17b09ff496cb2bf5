import Engine
import EngineCore
import Hummingbird
import Scripting

/// Earnings and the monthly close over HTTP: a streamer's month so far
/// (`GET /v1/streamers/me/earnings?month=YYYY-MM`); staff read a month's statements and reports
/// (`GET /v1/admin/settlement/{month}`, `.../statements.csv`, `.../guilds.csv`, `.../report.html`,
/// `.../adjustments`); admins adjust and confirm (`POST .../adjustments`, `POST .../confirm`,
/// `POST .../paid`); streamers ask for withdrawals in the window (`POST /v1/streamers/me/withdrawals`).
/// Runs are made with `showrunner settle run`, or by admins as a `settle-run` job
/// (`POST /v1/admin/jobs/settle-run`, `AdminJobRoutes`).
struct SettlementRoutes: RouteArea {
    let earnings: Earnings
    let settlement: Settlement
    let scripts: ScriptRuntime

    struct Withdrawals: Encodable {
        let withdrawals: [Withdrawal]
    }

    struct Adjustments: Encodable {
        let adjustments: [SettlementAdjustment]
    }

    static func month(_ context: AppRequestContext) throws -> String {
        let text = try context.parameters.require("month")
        guard SettlementCalendar.month(text) != nil else { throw RequestError("invalid_month", .badRequest, "month: YYYY-MM") }
        return text
    }

    static func text(_ body: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.get("streamers/me/earnings") { request, context in
            let me = try context.requirePrincipal()
            guard me.role == .streamer || Role.staff.contains(me.role) else {
                throw RequestError("not_a_streamer", .forbidden, "only streamers have earnings")
            }
            guard let month = request.uri.queryParameters.get("month") else {
                throw RequestError("invalid_month", .badRequest, "month: YYYY-MM (a query parameter)")
            }
            let minutes = scripts.current.flatMap { try? SettlementPolicy($0) }?.validDayMinutes ?? Earnings.validDayMinutesDefault
            return try JSONBody.response(try await earnings.month(streamer: me.userID, month: month, validDayMinutes: minutes))
        }
        routes.authenticated.post("streamers/me/withdrawals") { request, context in
            let me = try context.requirePrincipal()
            guard me.role == .streamer else { throw RequestError("not_a_streamer", .forbidden, "only streamers withdraw revenue") }
            let body = try await request.decodeStrict(as: WithdrawalRequest.self, context: context)
            return try JSONBody.response(try await settlement.requestWithdrawal(streamer: me.userID, body), status: .created)
        }
        routes.authenticated.get("streamers/me/withdrawals") { _, context in
            let me = try context.requirePrincipal()
            return try JSONBody.response(Withdrawals(withdrawals: try await settlement.withdrawals(streamer: me.userID)))
        }
        routes.staff.get("settlement/:month") { _, context in
            try JSONBody.response(try await settlement.month(try Self.month(context)))
        }
        routes.staff.get("settlement/:month/statements.csv") { _, context in
            Self.text(try await settlement.report(month: try Self.month(context)).statementsCSV, type: "text/csv; charset=utf-8")
        }
        routes.staff.get("settlement/:month/guilds.csv") { _, context in
            Self.text(try await settlement.report(month: try Self.month(context)).guildsCSV, type: "text/csv; charset=utf-8")
        }
        routes.staff.get("settlement/:month/report.html") { _, context in
            Self.text(try await settlement.report(month: try Self.month(context)).html, type: "text/html; charset=utf-8")
        }
        routes.staff.get("settlement/:month/adjustments") { _, context in
            try JSONBody.response(Adjustments(adjustments: try await settlement.adjustments(month: try Self.month(context))))
        }
        routes.staff.post("settlement/:month/adjustments") { request, context in
            let me = try GuildRoutes.admin(context)
            let month = try Self.month(context)
            let body = try await request.decodeStrict(as: SettlementAdjustmentRequest.self, context: context)
            return try JSONBody.response(try await settlement.adjust(month: month, body, by: me), status: .created)
        }
        routes.staff.post("settlement/:month/confirm") { _, context in
            let me = try GuildRoutes.admin(context)
            return try JSONBody.response(try await settlement.confirm(month: try Self.month(context), by: me))
        }
        routes.staff.post("settlement/:month/paid") { _, context in
            let me = try GuildRoutes.admin(context)
            return try JSONBody.response(try await settlement.markPaid(month: try Self.month(context), by: me))
        }
    }
}

extension WithdrawalRequest: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}

extension SettlementAdjustmentRequest: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}
