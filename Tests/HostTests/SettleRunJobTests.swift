import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

/// `POST /v1/admin/jobs/settle-run`: a month's run as an operator job, with the CLI's checks.
@Suite("Settlement: a run over HTTP (the settle-run job)")
struct SettleRunJobTests {
    typealias S = SettlementTests

    struct Job: Decodable {
        struct Failure: Decodable {
            struct Problem: Decodable { let path: String; let line: Int?; let message: String }
            let code: String
            let message: String
            let problems: [Problem]?
        }
        struct Progress: Decodable, Equatable { let done: Int; let total: Int }
        struct Result: Decodable {
            let month: String
            let state: String
            let streamers: Int
            let guilds: Int
            let total: Int64
            let payouts: Int64
            let inputs_hash: String?
            let policy_generation: String?
        }
        let id: String
        let kind: String
        let state: String
        let progress: Progress?
        let result: Result?
        let error: Failure?
    }

    /// The engine's routes, the settlement run waiting at most `catchUpMillis` for the earnings.
    static func host(_ e: EngineHost, catchUpMillis: Int64) -> TestHost {
        var host = e.host
        host.services.routeAreas = host.services.routeAreas.map { area in
            guard var jobs = area as? AdminJobRoutes else { return area }
            jobs.settleCatchUpMillisMax = catchUpMillis
            return jobs
        }
        return host
    }

    static func start(_ client: some TestClientProtocol, _ token: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: "/v1/admin/jobs/settle-run", method: .post, headers: bearer(token), body: jsonBody(body))
    }

    /// Reads the job until it is no longer running (bounded by a number of reads, not by time).
    static func finished(_ client: some TestClientProtocol, _ token: String, _ id: String) async throws -> Job {
        for _ in 0..<6_000 {
            let job = try await client.execute(uri: "/v1/admin/jobs/\(id)", method: .get, headers: bearer(token)).json(Job.self)
            if job.state != "running" { return job }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("job \(id) never finished")
        throw CancellationError()
    }

    @Test("admins start a run: 202, then the month's drafts as the engine computes them, with the progress; operators are 403; a confirmed month is 409; bad bodies are 400")
    func run() async throws {
        let clock = ManualClock()
        let e = try await S.host(clock: clock)
        defer { e.folder.remove() }
        try await S.month(e, clock)
        let admin = try e.token(.admin, user: "fin")
        let ops = try e.token(.operator, user: "ops")
        try await Self.host(e, catchUpMillis: 0).test { client in
            let refused = try await Self.start(client, ops, #"{"month":"2026-10"}"#)
            #expect(try refused.status == .forbidden && refused.json(ErrorBody.self).error == "admin_only")
            for (body, code) in [
                (#"{"month":"2026-13"}"#, "invalid_month"), (#"{"month":"2026-1"}"#, "invalid_month"), (#"{"month":""}"#, "invalid_month"),
                (#"{"month":"1999-12"}"#, "invalid_month"), (#"{"month":7}"#, "invalid_field"), ("{}", "invalid_field"),
                (#"{"month":"2026-10","by":"x"}"#, "unknown_field"),
            ] {
                let r = try await Self.start(client, admin, body)
                #expect(r.status == .badRequest, "\(body)")
                #expect(try r.json(ErrorBody.self).error == code, "\(body)")
            }
            let started = try await Self.start(client, admin, #"{"month":"2026-10"}"#)
            #expect(started.status == .accepted)
            let job = try started.json(Job.self)
            #expect(job.kind == "settle-run" && job.state == "running")
            let done = try await Self.finished(client, admin, job.id)
            #expect(done.state == "succeeded" && done.error == nil)
            #expect(done.progress == Job.Progress(done: 5, total: 5))
            let result = try #require(done.result)
            let month = try await e.engine.settlement.month("2026-10")
            #expect(result.month == "2026-10" && result.state == "pending_review" && result.streamers == 3 && result.guilds == 2)
            #expect(result.total == month.statements.reduce(0) { $0 + $1.total } && result.payouts == month.statements.reduce(0) { $0 + $1.payout })
            #expect(result.inputs_hash == month.inputsHash && result.policy_generation == e.engine.scripts.current?.hash)
            #expect(month.statements.first { $0.ownerID == "s1" }?.total == 75_000)
            // The same inputs again: the same hash.
            let again = try await Self.finished(client, admin, try Self.start(client, admin, #"{"month":"2026-10"}"#).json(Job.self).id)
            #expect(again.result?.inputs_hash == result.inputs_hash)
            let listed = try await client.execute(uri: "/v1/admin/jobs", method: .get, headers: bearer(ops))
            #expect(listed.status == .ok && listed.text.contains(#""kind":"settle-run""#))
            let confirmed = try await client.execute(uri: "/v1/admin/settlement/2026-10/confirm", method: .post, headers: bearer(admin))
            #expect(confirmed.status == .ok)
            let frozen = try await Self.start(client, admin, #"{"month":"2026-10"}"#)
            #expect(try frozen.status == .conflict && frozen.json(ErrorBody.self).error == "month_confirmed")
        }
    }

    @Test("a policy that fails: the job fails with path:line and the problem; the run wrote nothing")
    func failingPolicy() async throws {
        let clock = ManualClock()
        let body = "  streamer = function(ctx, m)\n    error(\"boom\")\n  end,\n}\n"
        let e = try await S.host(clock: clock, scripts: ["settlement/p.lua": S.policyHead + body])
        defer { e.folder.remove() }
        try await S.month(e, clock)
        let admin = try e.token(.admin, user: "fin")
        try await Self.host(e, catchUpMillis: 0).test { client in
            let started = try await Self.start(client, admin, #"{"month":"2026-10"}"#)
            #expect(started.status == .accepted)
            let done = try await Self.finished(client, admin, try started.json(Job.self).id)
            #expect(done.state == "failed" && done.result == nil)
            let error = try #require(done.error)
            #expect(error.code == "script_error" && error.message.contains("settlement/p.lua:4:") && error.message.contains("boom"), "\(error.message)")
            let problem = try #require(error.problems?.first)
            #expect(problem.path.hasSuffix("settlement/p.lua") && problem.line == 4)
        }
        let month = try await e.engine.settlement.month("2026-10")
        #expect(month.state == .open && month.statements.isEmpty)
    }

    @Test("no settlement policy: 409 before any job starts")
    func noPolicy() async throws {
        let e = try await EngineHost()
        let admin = try e.token(.admin, user: "fin")
        try await e.test { client in
            let r = try await Self.start(client, admin, #"{"month":"2026-10"}"#)
            #expect(try r.status == .conflict && r.json(ErrorBody.self).error == "no_settlement_policy")
            #expect(try await client.execute(uri: "/v1/admin/jobs", method: .get, headers: bearer(admin)).text == #"{"jobs":[]}"#)
        }
    }

    @Test("earnings behind: a fact of the month's last ms not applied stops the run (earnings_behind); one of the next month's first ms does not")
    func earningsBehind() async throws {
        let clock = ManualClock()
        let e = try await S.host(clock: clock)
        defer { e.folder.remove() }
        try await S.month(e, clock)
        let admin = try e.token(.admin, user: "fin")
        clock.set(millis: S.ms("2026-10-31T23:59:59Z") + 999)
        _ = try await S.gift(e, room: "r2", count: 1, key: "edge")
        clock.set(millis: S.ms("2026-11-05T00:00:00Z"))
        #expect(try await !e.engine.settlement.earningsCaughtUp(month: "2026-10"))
        #expect(try await e.engine.settlement.earningsCaughtUp(month: "2026-09"))
        try await Self.host(e, catchUpMillis: 0).test { client in
            let done = try await Self.finished(client, admin, try Self.start(client, admin, #"{"month":"2026-10"}"#).json(Job.self).id)
            #expect(done.state == "failed" && done.error?.code == "earnings_behind")
        }
        #expect(try await e.engine.settlement.month("2026-10").state == .open, "the failed run put the state back")
        _ = try await e.engine.consumers.drain()
        clock.set(millis: S.ms("2026-11-01T00:00:00Z"))
        _ = try await S.gift(e, room: "r2", count: 1, key: "next")
        clock.set(millis: S.ms("2026-11-05T00:00:00Z"))
        #expect(try await e.engine.settlement.earningsCaughtUp(month: "2026-10"))
        #expect(try await !e.engine.settlement.earningsCaughtUp(month: "2026-11"), "November so far waits for it")
        try await Self.host(e, catchUpMillis: 0).test { client in
            let done = try await Self.finished(client, admin, try Self.start(client, admin, #"{"month":"2026-10"}"#).json(Job.self).id)
            #expect(done.state == "succeeded")
        }
        // The edge gift counts in October: s2 has four roses.
        #expect(try await e.engine.settlement.month("2026-10").statements.first { $0.ownerID == "s2" }?.revenue == 2000)
    }

    @Test("a run waiting for the earnings is one running job (409 job_running); it goes through once they catch up")
    func waitsForEarnings() async throws {
        let clock = ManualClock()
        let e = try await S.host(clock: clock)
        defer { e.folder.remove() }
        try await S.month(e, clock)
        let admin = try e.token(.admin, user: "fin")
        clock.set(millis: S.ms("2026-10-31T12:00:00Z"))
        _ = try await S.gift(e, room: "r2", count: 1, key: "late")
        clock.set(millis: S.ms("2026-11-05T00:00:00Z"))
        try await Self.host(e, catchUpMillis: 600_000).test { client in
            let started = try await Self.start(client, admin, #"{"month":"2026-10"}"#)
            #expect(started.status == .accepted)
            let second = try await Self.start(client, admin, #"{"month":"2026-10"}"#)
            #expect(try second.status == .conflict && second.json(ErrorBody.self).error == "job_running")
            _ = try await e.engine.consumers.drain()
            let done = try await Self.finished(client, admin, try started.json(Job.self).id)
            #expect(done.state == "succeeded" && done.result?.streamers == 3)
        }
    }

    @Test("a job's progress shows while it runs, and the last one stays")
    func progress() async throws {
        let jobs = AdminJobs()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let (reported, said) = AsyncStream<Void>.makeStream()
        let job = try jobs.start(.settleRun) { progress in
            progress(1, 3)
            said.yield()
            for await _ in gate {}
            progress(3, 3)
            throw RequestError("stopped", .conflict, "stopped")
        }
        #expect(job.progress == nil)
        for await _ in reported { break }
        #expect(jobs.job(id: job.id)?.progress == AdminJobs.Progress(done: 1, total: 3))
        #expect(jobs.job(id: job.id)?.state == .running)
        open.finish()
        while jobs.job(id: job.id)?.state == .running { await Task.yield() }
        #expect(jobs.job(id: job.id)?.progress == AdminJobs.Progress(done: 3, total: 3))
        #expect(jobs.job(id: job.id)?.error?.code == "stopped")
    }
}
