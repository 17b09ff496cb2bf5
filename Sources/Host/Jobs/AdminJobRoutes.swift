import Books
import Engine
import EngineCore
import Foundation
import Hummingbird
import Logging
import ScriptTesting
import Scripting
import Storage

/// Operator jobs over HTTP (`/v1/admin/jobs`): run the script tests of the folder the server
/// runs on, a what-if replay of that folder over a recorded window of its database,
/// `reconcile`, or (admins) a settlement run of a month (`settle-run`, as `showrunner settle
/// run` does). Each start answers 202 with the running job at once; the job is then read by id
/// until it has `succeeded` or `failed`. One job of a kind runs at a time (409 `job_running`).
struct AdminJobRoutes: RouteArea {
    /// What the jobs run on: the server's own engine, folder and database.
    struct Sources: Sendable {
        let ledger: Ledger
        let orders: Orders
        let consumers: ConsumerRunner
        /// The scripts folder the server runs on (tests and replay read it from disk).
        let scriptsPath: String
        /// The server's SQLite database (replay reads it, read only, into a scratch copy).
        let databasePath: String
        let calendar: OperationsCalendar
        let logger: Logger
        /// The monthly close and the scripts whose `settlement_policy` it runs.
        let settlement: Settlement
        let scripts: ScriptRuntime
    }

    /// Longest what-if window by default: 31 days.
    static let replayWindowMillisMaxDefault: Int64 = 31 * 24 * 3_600_000
    /// Longest `filter` of a script test run, in UTF-8 bytes.
    static let filterBytesMax = 200
    /// Longest a settlement run waits by default for the earnings consumer to apply the facts
    /// the month depends on (it runs beside the server's traffic) before it stops on
    /// `earnings_behind`: 10 s.
    static let settleCatchUpMillisMaxDefault: Int64 = 10_000

    let jobs: AdminJobs
    let sources: Sources
    /// Longest replay window accepted, in ms (`to - from`).
    var replayWindowMillisMax: Int64 = Self.replayWindowMillisMaxDefault
    /// Longest a settlement run waits for the earnings to catch up, in ms (0: not at all).
    var settleCatchUpMillisMax: Int64 = Self.settleCatchUpMillisMaxDefault

    /// `POST /v1/admin/jobs/scripts-test`: `{}` or `{"filter": "..."}`.
    struct ScriptsTestBody: StrictDecodable {
        static let allowedKeys: Set<String> = ["filter"]
        let filter: String?
    }

    /// `POST /v1/admin/jobs/replay`: the window in ms since 1970, `to` exclusive.
    struct ReplayBody: StrictDecodable {
        static let allowedKeys: Set<String> = ["from", "to"]
        let from: Int64
        let to: Int64
    }

    /// `POST /v1/admin/jobs/settle-run`: `{"month": "YYYY-MM"}`.
    struct SettleRunBody: StrictDecodable {
        static let allowedKeys: Set<String> = ["month"]
        let month: String
    }

    /// `POST /v1/admin/jobs/reconcile`: `{}`.
    struct EmptyBody: StrictDecodable {
        static let allowedKeys: Set<String> = []
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.post("jobs/scripts-test") { request, context in
            let body = try await request.decodeStrict(as: ScriptsTestBody.self, context: context)
            let filter = try Self.checkFilter(body.filter)
            let sources = self.sources
            let job = try jobs.start(.scriptsTest) {
                var options = ScriptTestOptions()
                options.calendar = sources.calendar
                options.filter = filter
                return .scriptsTest(try await ScriptTestRunner(directory: sources.scriptsPath, options: options).run())
            }
            return try JSONBody.response(job, status: .accepted)
        }
        routes.staff.post("jobs/replay") { request, context in
            let body = try await request.decodeStrict(as: ReplayBody.self, context: context)
            try Self.checkWindow(from: body.from, to: body.to, max: replayWindowMillisMax)
            let sources = self.sources
            let job = try jobs.start(.replay) {
                var logger = sources.logger
                logger.logLevel = .error
                let options = WhatIfReplay.Options(
                    databasePath: sources.databasePath, scriptsPath: sources.scriptsPath, from: body.from, to: body.to, calendar: sources.calendar)
                return .replay(try await WhatIfReplay.run(options, logger: logger))
            }
            return try JSONBody.response(job, status: .accepted)
        }
        routes.staff.post("jobs/reconcile") { request, context in
            _ = try await request.decodeStrict(as: EmptyBody.self, context: context)
            let sources = self.sources
            let job = try jobs.start(.reconcile) {
                let (ledger, gifts) = try await sources.ledger.reconcile()
                let orders = try await sources.orders.reconcile()
                let lag = try await sources.consumers.lag()
                return .reconcile(ReconcileResult(ledger: ledger, gifts: gifts, orders: orders, lag: lag))
            }
            return try JSONBody.response(job, status: .accepted)
        }
        routes.staff.post("jobs/settle-run") { request, context in
            let me = try GuildRoutes.admin(context)
            let body = try await request.decodeStrict(as: SettleRunBody.self, context: context)
            let sources = self.sources
            let generation = try await Self.checkSettleRun(month: body.month, sources: sources)
            let wait = settleCatchUpMillisMax
            let job = try jobs.start(.settleRun) { progress in
                try await Self.waitForEarnings(sources.settlement, month: body.month, millisMax: wait)
                let month = try await sources.settlement.run(month: body.month, generation: generation, by: me, progress: progress)
                return .settleRun(SettleRunResult(month))
            }
            return try JSONBody.response(job, status: .accepted)
        }
        routes.staff.get("jobs") { _, _ in
            try JSONBody.response(JobList(jobs: jobs.list()))
        }
        routes.staff.get("jobs/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let job = jobs.job(id: id) else {
                throw RequestError("job_not_found", .notFound, "no job '\(id.prefix(80))' (only the last \(jobs.keptMax) are kept)")
            }
            return try JSONBody.response(job)
        }
    }

    /// `GET /v1/admin/jobs`.
    struct JobList: Encodable {
        let jobs: [AdminJobs.Job]
    }

    /// What a settlement run can be refused before it starts: the month, the policy and the
    /// month's state (the run checks them again, with the earnings, when it starts).
    /// - Returns: the scripts generation the run uses (the one serving now).
    /// - Throws: `RequestError` 400 `invalid_month`, 409 `no_settlement_policy`,
    ///   `several_settlement_policies`, `month_confirmed`.
    static func checkSettleRun(month: String, sources: Sources) async throws -> ScriptGeneration {
        guard SettlementCalendar.month(month) != nil else { throw RequestError("invalid_month", .badRequest, "month: YYYY-MM") }
        guard let generation = sources.scripts.current else {
            throw RequestError("no_settlement_policy", .conflict, "no scripts are loaded")
        }
        _ = try SettlementPolicy(generation)
        if try await sources.settlement.state(month: month).isFrozen {
            throw RequestError("month_confirmed", .conflict, "\(month) is confirmed: its statements never change; adjust instead (it lands in the next open month)")
        }
        return generation
    }

    /// Waits, at most `millisMax` ms, until the earnings consumer has applied the facts `month`
    /// depends on; the run then stops on `earnings_behind` if it still has not.
    static func waitForEarnings(_ settlement: Settlement, month: String, millisMax: Int64) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(max(0, millisMax)))
        while clock.now < deadline {
            if try await settlement.earningsCaughtUp(month: month) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The filter, checked: 1-`filterBytesMax` bytes without control characters; nil when absent.
    /// - Throws: `RequestError` 400 `invalid_filter`.
    static func checkFilter(_ filter: String?) throws(RequestError) -> String? {
        guard let filter else { return nil }
        guard (1...filterBytesMax).contains(filter.utf8.count),
            filter.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw RequestError("invalid_filter", .badRequest, "filter: 1-\(filterBytesMax) bytes without control characters")
        }
        return filter
    }

    /// The window's rules: `0 <= from < to`, at most `max` ms long.
    /// - Throws: `RequestError` 400 `invalid_window`.
    static func checkWindow(from: Int64, to: Int64, max: Int64) throws(RequestError) {
        guard from >= 0 else { throw RequestError("invalid_window", .badRequest, "from must be at least 0 (ms since 1970)") }
        guard from < to else { throw RequestError("invalid_window", .badRequest, "from must be before to") }
        // 0 <= from < to, so the difference cannot overflow.
        guard to - from <= max else {
            throw RequestError("invalid_window", .badRequest, "the window is at most \(max) ms long")
        }
    }
}
