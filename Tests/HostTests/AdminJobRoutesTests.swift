@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

@Suite("Operator jobs over HTTP: script tests, what-if replay, reconcile")
struct AdminJobRoutesTests {
    /// A job as the routes write it (only what the tests read).
    struct Job: Decodable {
        let id: String
        let kind: String
        let state: String
        let started_at: Int64
        let finished_at: Int64?
        let error: Failure?
        struct Failure: Decodable { let code: String; let message: String }
    }

    struct Jobs: Decodable { let jobs: [Job] }

    struct TestsResult: Decodable {
        struct Case: Decodable { let file: String; let name: String; let status: String; let line: String }
        let ok: Bool
        let passed: Int
        let failed: Int
        let files: Int
        let summary: String
        let results: [Case]
    }

    struct ReconcileResult: Decodable {
        struct Violation: Decodable { let code: String; let detail: String }
        struct Ledger: Decodable { let violations: [Violation]; let transfers: Int; let accounts: Int }
        struct Orders: Decodable { let orders: Int; let held: Int64; let posted: Int64; let voided: Int64; let open: Int64 }
        struct Lag: Decodable { let consumer: String; let behind: Int64 }
        let clean: Bool
        let ledger: Ledger
        let gifts: [String]
        let orders: Orders
        let consumers: [Lag]
    }

    struct ReplayResult: Decodable {
        let from: Int64
        let to: Int64
        let entries: Int
        let candidate_generation: String
        let errors: [String]
    }

    /// A job's answer with its result decoded as `R`.
    struct Finished<R: Decodable>: Decodable {
        let state: String
        let result: R?
    }

    static let scripts = [
        "activities/probe.lua": ScriptSamples.activity("return 1"),
        "activities/probe_test.lua": "test('passes', function() expect_eq(1, 1) end)\ntest('fails', function() expect_eq(1, 2) end)",
    ]

    func post(_ client: some TestClientProtocol, _ token: String, _ uri: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: bearer(token), body: jsonBody(body))
    }

    /// Reads the job until it is no longer running (bounded by a number of reads, not by time).
    func finished(_ client: some TestClientProtocol, _ token: String, _ id: String) async throws -> TestResponse {
        for _ in 0..<6_000 {
            let r = try await client.execute(uri: "/v1/admin/jobs/\(id)", method: .get, headers: bearer(token))
            #expect(r.status == .ok)
            if try r.json(Job.self).state != "running" { return r }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("job \(id) never finished")
        throw CancellationError()
    }

    /// The jobs instance the engine's routes use.
    func jobs(_ e: EngineHost) throws -> AdminJobs {
        try #require(e.host.services.routeAreas.compactMap { $0 as? AdminJobRoutes }.first).jobs
    }

    @Test("script tests: 202 with the running job, then every case with ok/FAIL lines and the summary; the filter narrows")
    func scriptTests() async throws {
        let e = try await EngineHost(scripts: Self.scripts)
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            let started = try await post(client, op, "/v1/admin/jobs/scripts-test", "{}")
            #expect(started.status == .accepted)
            let job = try started.json(Job.self)
            #expect(job.kind == "scripts-test" && job.state == "running" && job.finished_at == nil)
            let done = try await finished(client, op, job.id)
            let report = try #require(try done.json(Finished<TestsResult>.self).result)
            #expect(try done.json(Job.self).state == "succeeded")
            #expect(report.passed == 1 && report.failed == 1 && report.files == 1 && !report.ok)
            #expect(report.summary == "1 passed, 1 failed (1 test file)")
            #expect(report.results.map(\.status) == ["passed", "failed"])
            #expect(report.results[0].line.hasPrefix("ok   ") && report.results[1].line.hasPrefix("FAIL "))

            let filtered = try await post(client, op, "/v1/admin/jobs/scripts-test", #"{"filter":"passes"}"#)
            #expect(filtered.status == .accepted)
            let only = try #require(try await finished(client, op, try filtered.json(Job.self).id).json(Finished<TestsResult>.self).result)
            #expect(only.ok && only.passed == 1 && only.failed == 0)
        }
    }

    @Test("script tests of a folder that does not load: the job fails with scripts_invalid")
    func scriptTestsOfBrokenFolder() async throws {
        let e = try await EngineHost(scripts: Self.scripts)
        try e.folder.write(["activities/broken.lua": "return 42"])
        let op = try e.token(.admin, user: "root")
        try await e.test { client in
            let started = try await post(client, op, "/v1/admin/jobs/scripts-test", "{}")
            let done = try await finished(client, op, try started.json(Job.self).id).json(Job.self)
            #expect(done.state == "failed" && done.error?.code == "scripts_invalid" && done.finished_at != nil)
        }
    }

    @Test("reconcile: a fresh engine is clean, with its counts and every consumer's lag")
    func reconcile() async throws {
        let e = try await EngineHost()
        _ = try await e.engine.ledger.transfer([TransferRequest(id: "seed:v1", debit: .system(.promotions, "coins"),
            credit: .user("v1", "coins"), asset: "coins", amount: 1_000, code: "seed")])
        // A notice for the notifications consumer (the seed's own journal row is of no
        // consumer's types, so it leaves no one behind).
        try await e.engine.store.write { db in
            _ = try Journal.append(db, type: EffectApplier.noticeType, payload: ["user_id": "v1", "text": "hi", "origin": "test"], at: 1)
        }
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            let started = try await post(client, op, "/v1/admin/jobs/reconcile", "{}")
            #expect(started.status == .accepted)
            let done = try await finished(client, op, try started.json(Job.self).id)
            let r = try #require(try done.json(Finished<ReconcileResult>.self).result)
            #expect(r.ledger.violations.isEmpty)
            #expect(r.ledger.transfers == 1)
            #expect(r.gifts.isEmpty)
            #expect(r.orders.orders == 0 && r.orders.held == 0)
            // The test host runs no consumer: the notice is not consumed yet.
            #expect(!r.consumers.isEmpty && r.consumers.contains { $0.consumer == "notifications" && $0.behind > 0 } && !r.clean)
            _ = try await e.engine.consumers.drain()
            let again = try await post(client, op, "/v1/admin/jobs/reconcile", "{}")
            let after = try #require(try await finished(client, op, try again.json(Job.self).id).json(Finished<ReconcileResult>.self).result)
            #expect(after.clean && after.consumers.allSatisfy { $0.behind == 0 })
        }
    }

    @Test("replay: the server's folder over a window of its database; the summary and no errors")
    func replay() async throws {
        let clock = ManualClock()
        let e = try await EngineHost(clock: clock)
        let op = try e.token(.operator, user: "ops")
        let now = clock.nowMillis()
        try await e.test { client in
            let started = try await post(client, op, "/v1/admin/jobs/replay", #"{"from":\#(now - 3_600_000),"to":\#(now + 1)}"#)
            #expect(started.status == .accepted)
            let job = try started.json(Job.self)
            #expect(job.kind == "replay")
            let done = try await finished(client, op, job.id)
            #expect(try done.json(Job.self).state == "succeeded")
            let r = try #require(try done.json(Finished<ReplayResult>.self).result)
            #expect(r.from == now - 3_600_000 && r.to == now + 1 && r.errors.isEmpty && !r.candidate_generation.isEmpty)
        }
    }

    @Test("a second start of a kind while one runs is 409 job_running; other kinds still start; the list is newest first")
    func oneRunningPerKind() async throws {
        let e = try await EngineHost()
        let jobs = try jobs(e)
        let (gate, open) = AsyncStream<Void>.makeStream()
        let held = try jobs.start(.reconcile) {
            for await _ in gate {}
            throw RequestError("released", .conflict, "the test released it")
        }
        defer { open.finish() }
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            let again = try await post(client, op, "/v1/admin/jobs/reconcile", "{}")
            #expect(again.status == .conflict)
            #expect(try again.json(ErrorBody.self).error == "job_running")
            let other = try await post(client, op, "/v1/admin/jobs/scripts-test", "{}")
            #expect(other.status == .accepted)
            let otherID = try other.json(Job.self).id
            let list = try await client.execute(uri: "/v1/admin/jobs", method: .get, headers: bearer(op)).json(Jobs.self)
            #expect(list.jobs.map(\.id) == [otherID, held.id])
            #expect(list.jobs[1].state == "running")
            open.finish()
            let done = try await finished(client, op, held.id).json(Job.self)
            #expect(done.state == "failed" && done.error?.code == "released")
            _ = try await finished(client, op, otherID)
            #expect(try await post(client, op, "/v1/admin/jobs/reconcile", "{}").status == .accepted)
        }
    }

    @Test("only the last jobs are kept, never a running one")
    func keepsTheLast() async throws {
        let jobs = AdminJobs(keptMax: 2)
        let (gate, open) = AsyncStream<Void>.makeStream()
        let running = try jobs.start(.replay) {
            for await _ in gate {}
            throw RequestError("released", .conflict, "released")
        }
        defer { open.finish() }
        var ids: [String] = []
        for _ in 0..<3 {
            let job = try jobs.start(.reconcile) { throw RequestError("done", .conflict, "done") }
            ids.append(job.id)
            while jobs.job(id: job.id)?.state == .running { await Task.yield() }
        }
        #expect(jobs.list().map(\.id) == [ids[2], running.id])
        #expect(jobs.job(id: ids[0]) == nil && jobs.job(id: ids[1]) == nil)
    }

    @Test("bad bodies are 400 with a JSON error; the window's and the filter's limits at their edges")
    func badInput() async throws {
        let e = try await EngineHost()
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            for (uri, body, code) in [
                ("/v1/admin/jobs/replay", "{}", "invalid_field"),
                ("/v1/admin/jobs/replay", #"{"from":1,"to":"2"}"#, "invalid_field"),
                ("/v1/admin/jobs/replay", #"{"from":1.5,"to":2}"#, nil),
                ("/v1/admin/jobs/replay", #"{"from":1,"to":99999999999999999999}"#, nil),
                ("/v1/admin/jobs/replay", #"{"from":5,"to":5}"#, "invalid_window"),
                ("/v1/admin/jobs/replay", #"{"from":-1,"to":5}"#, "invalid_window"),
                ("/v1/admin/jobs/replay", #"{"from":0,"to":\#(AdminJobRoutes.replayWindowMillisMaxDefault + 1)}"#, "invalid_window"),
                ("/v1/admin/jobs/replay", #"{"from":1,"to":2,"db":"x"}"#, "unknown_field"),
                ("/v1/admin/jobs/reconcile", #"{"repair":true}"#, "unknown_field"),
                ("/v1/admin/jobs/reconcile", "", nil),
                ("/v1/admin/jobs/scripts-test", #"{"filter":""}"#, "invalid_filter"),
                ("/v1/admin/jobs/scripts-test", #"{"filter":"\#(String(repeating: "a", count: AdminJobRoutes.filterBytesMax + 1))"}"#, "invalid_filter"),
                ("/v1/admin/jobs/scripts-test", #"{"filter":7}"#, "invalid_field"),
                ("/v1/admin/jobs/scripts-test", "[]", nil),
            ] {
                let r = try await post(client, op, uri, body)
                #expect(r.status == .badRequest, "\(uri) \(body)")
                let error = try r.json(ErrorBody.self)
                if let code { #expect(error.error == code, "\(uri) \(body)") }
            }
            #expect(try await client.execute(uri: "/v1/admin/jobs", method: .get, headers: bearer(op)).json(Jobs.self).jobs.isEmpty)
        }
        let max = AdminJobRoutes.replayWindowMillisMaxDefault
        #expect(throws: Never.self) { try AdminJobRoutes.checkWindow(from: 0, to: max, max: max) }
        #expect(throws: RequestError.self) { try AdminJobRoutes.checkWindow(from: 0, to: max + 1, max: max) }
        #expect(throws: RequestError.self) { try AdminJobRoutes.checkWindow(from: Int64.max - 1, to: Int64.max, max: 0) }
        #expect(try AdminJobRoutes.checkFilter(String(repeating: "é", count: AdminJobRoutes.filterBytesMax / 2)) != nil)
        #expect(throws: RequestError.self) { try AdminJobRoutes.checkFilter("a\u{7}") }
    }

    @Test("an unknown job is 404 job_not_found; viewers and streamers are 403; no token is 401")
    func notFoundAndRoles() async throws {
        let e = try await EngineHost()
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            let missing = try await client.execute(uri: "/v1/admin/jobs/job-nope", method: .get, headers: bearer(op))
            #expect(missing.status == .notFound)
            #expect(try missing.json(ErrorBody.self).error == "job_not_found")
            for role in [Role.viewer, .streamer] {
                let t = try e.token(role, user: "someone")
                for uri in ["/v1/admin/jobs/scripts-test", "/v1/admin/jobs/reconcile"] {
                    #expect(try await post(client, t, uri, "{}").status == .forbidden)
                }
                #expect(try await post(client, t, "/v1/admin/jobs/replay", #"{"from":1,"to":2}"#).status == .forbidden)
                #expect(try await client.execute(uri: "/v1/admin/jobs", method: .get, headers: bearer(t)).status == .forbidden)
                #expect(try await client.execute(uri: "/v1/admin/jobs/job-x", method: .get, headers: bearer(t)).status == .forbidden)
            }
            #expect(try await client.execute(uri: "/v1/admin/jobs", method: .get).status == .unauthorized)
        }
    }
}
