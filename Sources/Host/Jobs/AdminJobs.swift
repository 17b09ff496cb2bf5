import Engine
import Foundation
import Synchronization

/// Operator jobs that take seconds (script tests, what-if replay, reconcile): started by one
/// request, run in a task, read by later requests, so no request holds its connection while
/// the work runs. Kept in memory only (a restart forgets them): the last `keptMax` jobs, and
/// at most one running job of each kind.
final class AdminJobs: Sendable {
    /// What a job does.
    enum Kind: String, Sendable, Encodable, CaseIterable {
        case scriptsTest = "scripts-test"
        case replay
        case reconcile
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

        /// The inner value, as is.
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .scriptsTest(let r): try r.encode(to: encoder)
            case .replay(let r): try r.encode(to: encoder)
            case .reconcile(let r): try r.encode(to: encoder)
            }
        }
    }

    /// One job as the API shows it (`{id, kind, state, started_at, finished_at?, result?, error?}`).
    struct Job: Sendable, Encodable {
        let id: String
        let kind: Kind
        var state: State
        /// When it started and ended, in ms since 1970 on the server's clock.
        let startedAt: Int64
        var finishedAt: Int64?
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
        Task {
            do {
                let result = try await work()
                finish(job.id, .succeeded, result: result, error: nil)
            } catch let rejected as GenerationRejected {
                finish(job.id, .failed, result: nil, error: Failure(
                    code: "scripts_invalid", message: "the scripts do not load", problems: rejected.problems))
            } catch let e as any ShowrunnerError {
                finish(job.id, .failed, result: nil, error: Failure(code: e.code, message: e.message, problems: nil))
            } catch {
                finish(job.id, .failed, result: nil, error: Failure(code: "job_failed", message: "\(error)", problems: nil))
            }
        }
        return job
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
