import Books
import Engine
import EngineCore
import Foundation
import ScriptTesting
import Scripting
import Synchronization

/// Operator jobs that take seconds (script tests, what-if replay, reconcile, a settlement run): started by one
/// request, run in a task, read by later requests, so no request holds its connection while
/// the work runs. Kept in memory only (a restart forgets them): the last `keptMax` jobs, and
/// at most one running job of each kind.
final class AdminJobs: Sendable {
    /// What a job does.
    enum Kind: String, Sendable, Encodable, CaseIterable {
        case scriptsTest = "scripts-test"
        case replay
        case reconcile
        case settleRun = "settle-run"
    }

    /// Where a job stands.
    enum State: String, Sendable, Encodable {
        case running, succeeded, failed
    }

    /// Why a job failed: an error code, a message and, when the scripts did not load, their problems.
    struct Failure: Sendable, Encodable, Equatable {
        let code: String
        let message: String
        let problems: [ScriptProblem]?
    }

    /// What a job produced.
    enum Result: Sendable, Encodable {
        case scriptsTest(ScriptTestReport)
        case replay(WhatIfReplay.Outcome)
        case reconcile(ReconcileResult)
        case settleRun(SettleRunResult)

        /// The inner value, as is.
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .scriptsTest(let r): try r.encode(to: encoder)
            case .replay(let r): try r.encode(to: encoder)
            case .reconcile(let r): try r.encode(to: encoder)
            case .settleRun(let r): try r.encode(to: encoder)
            }
        }
    }

    /// How far a running job is, when its work tells (`done` of `total` items).
    struct Progress: Sendable, Encodable, Equatable {
        let done: Int
        let total: Int
    }

    /// One job as the API shows it (`{id, kind, state, started_at, finished_at?, progress?,
    /// result?, error?}`).
    struct Job: Sendable, Encodable {
        let id: String
        let kind: Kind
        var state: State
        /// When it started and ended, in ms since 1970 on the server's clock.
        let startedAt: Int64
        var finishedAt: Int64?
        /// The last progress the work reported, if it reports any.
        var progress: Progress?
        var result: Result?
        var error: Failure?
    }

    /// Jobs kept by default (running ones are never dropped).
    static let keptMaxDefault = 20

    /// How many jobs are kept, newest first; older finished ones are forgotten.
    let keptMax: Int
    private let clock: any WallClock
    private let jobs = Mutex<[Job]>([])

    /// - Parameters: keptMax: jobs kept (at least 1); clock: the times jobs carry.
    init(keptMax: Int = AdminJobs.keptMaxDefault, clock: any WallClock = SystemWallClock()) {
        precondition(keptMax >= 1, "keptMax must be at least 1")
        self.keptMax = keptMax
        self.clock = clock
    }

    /// Starts `work` as a job of `kind` in a new task.
    /// - Returns: the job, running.
    /// - Throws: `RequestError` 409 `job_running` while a job of that kind runs.
    func start(_ kind: Kind, work: @escaping @Sendable () async throws -> Result) throws(RequestError) -> Job {
        try start(kind) { (_: @escaping @Sendable (Int, Int) -> Void) in try await work() }
    }

    /// Starts `work` as a job of `kind` in a new task; `work` reports its progress with the
    /// closure it is given (`done`, `total`), shown on the job while it runs. A script failure
    /// fails the job with its code, its `path:line` message and the problem.
    /// - Returns: the job, running.
    /// - Throws: `RequestError` 409 `job_running` while a job of that kind runs.
    func start(
        _ kind: Kind, work: @escaping @Sendable (_ progress: @escaping @Sendable (Int, Int) -> Void) async throws -> Result
    ) throws(RequestError) -> Job {
        let job = Job(id: "job-" + UUID().uuidString.lowercased(), kind: kind, state: .running, startedAt: clock.nowMillis())
        let accepted = jobs.withLock { list -> Bool in
            guard !list.contains(where: { $0.kind == kind && $0.state == .running }) else { return false }
            list.insert(job, at: 0)
            while list.count > keptMax, let oldest = list.lastIndex(where: { $0.state != .running }) {
                list.remove(at: oldest)
            }
            return true
        }
        guard accepted else {
            throw RequestError("job_running", .conflict, "a \(kind.rawValue) job is already running; wait for it to finish")
        }
        let progress: @Sendable (Int, Int) -> Void = { done, total in self.report(job.id, done: done, total: total) }
        Task {
            do {
                let result = try await work(progress)
                finish(job.id, .succeeded, result: result, error: nil)
            } catch let rejected as GenerationRejected {
                finish(job.id, .failed, result: nil, error: Failure(
                    code: "scripts_invalid", message: "the scripts do not load", problems: rejected.problems))
            } catch let failure as ScriptFailure {
                finish(job.id, .failed, result: nil, error: Failure(
                    code: failure.code, message: failure.message,
                    problems: [ScriptProblem(path: failure.path, line: failure.line, message: failure.detail)]))
            } catch let e as any ShowrunnerError {
                finish(job.id, .failed, result: nil, error: Failure(code: e.code, message: e.message, problems: nil))
            } catch {
                finish(job.id, .failed, result: nil, error: Failure(code: "job_failed", message: "\(error)", problems: nil))
            }
        }
        return job
    }

    private func report(_ id: String, done: Int, total: Int) {
        jobs.withLock { list in
            guard let i = list.firstIndex(where: { $0.id == id }), list[i].state == .running else { return }
            list[i].progress = Progress(done: done, total: total)
        }
    }

    private func finish(_ id: String, _ state: State, result: Result?, error: Failure?) {
        let at = clock.nowMillis()
        jobs.withLock { list in
            guard let i = list.firstIndex(where: { $0.id == id }) else { return }
            list[i].state = state
            list[i].finishedAt = at
            list[i].result = result
            list[i].error = error
        }
    }

    /// Every kept job, newest first.
    func list() -> [Job] { jobs.withLock { $0 } }

    /// The job with this id, if it is kept.
    func job(id: String) -> Job? { jobs.withLock { list in list.first { $0.id == id } } }
}

/// What `reconcile` found: the ledger's invariants, gifts against transfers, orders' tickets and
/// how far each journal consumer is behind (as `showrunner reconcile` prints it).
struct ReconcileResult: Sendable, Encodable {
    /// Whether nothing is wrong and every consumer is caught up.
    let clean: Bool
    let ledger: ReconciliationReport
    /// Gift sends whose transfers do not match.
    let gifts: [String]
    let orders: OrderReconciliation
    /// Events each consumer is behind (0 when caught up), by consumer name.
    let consumers: [ConsumerLag]

    /// One journal consumer's lag.
    struct ConsumerLag: Sendable, Encodable, Equatable {
        let consumer: String
        let behind: Int64
    }

    /// - Parameters: as `showrunner reconcile` reads them; lag: events behind by consumer.
    init(ledger: ReconciliationReport, gifts: [String], orders: OrderReconciliation, lag: [String: Int64]) {
        self.ledger = ledger
        self.gifts = gifts
        self.orders = orders
        self.consumers = lag.sorted { $0.key < $1.key }.map { ConsumerLag(consumer: $0.key, behind: $0.value) }
        self.clean = ledger.isClean && gifts.isEmpty && orders.isClean && lag.values.allSatisfy { $0 == 0 }
    }
}

/// What a `settle-run` job produced: the month's state and the totals of its draft statements
/// (read the statements with `GET /v1/admin/settlement/{month}`).
struct SettleRunResult: Sendable, Encodable {
    let month: String
    let state: SettlementState
    /// Statements drafted: streamers and guilds.
    let streamers: Int
    let guilds: Int
    /// Sums over every statement (wrapping, as `settle run` prints them).
    let total: Int64
    let payouts: Int64
    let inputsHash: String?
    let policyGeneration: String?

    init(_ m: SettlementMonth) {
        month = m.month
        state = m.state
        streamers = m.statements.filter { $0.ownerKind == "streamer" }.count
        guilds = m.statements.count - streamers
        total = m.statements.reduce(Int64(0)) { $0 &+ $1.total }
        payouts = m.statements.reduce(Int64(0)) { $0 &+ $1.payout }
        inputsHash = m.inputsHash
        policyGeneration = m.policyGeneration
    }
}
