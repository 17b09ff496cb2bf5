import Dispatch
import Engine
import Synchronization

/// Lets synchronous code on a thread of its own (a script test VM, whose host functions cannot
/// be async) run async engine calls on the task that owns the bridge: the thread posts a job and
/// blocks on a semaphore; the owner's `serve()` runs the jobs one at a time and wakes it.
///
/// Only a dedicated thread may call `run`: it blocks, and a thread of the cooperative pool must
/// never block. `serve()` never blocks, and ignores cancellation so no posted job is dropped
/// while its poster waits.
final class BlockingBridge: Sendable {
    typealias Job = @Sendable () async -> Void

    private struct State {
        var jobs: [Job] = []
        var waiter: CheckedContinuation<Job?, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// Runs `work` on the serving task and returns its result; blocks the calling thread.
    /// - Throws: what `work` throws.
    func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let slot = Slot<T>()
        post {
            do { slot.fill(.success(try await work())) } catch { slot.fill(.failure(error)) }
        }
        return try slot.take().get()
    }

    /// Ends `serve()` once the jobs already posted have run.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Job?, Never>? in
            s.finished = true
            // A waiting server means no job is queued.
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Runs posted jobs in order until `finish()`.
    func serve() async {
        while let job = await next() { await job() }
    }

    private func post(_ job: @escaping Job) {
        let waiter = state.withLock { s -> CheckedContinuation<Job?, Never>? in
            precondition(!s.finished, "a job was posted to a finished bridge")
            guard let w = s.waiter else {
                s.jobs.append(job)
                return nil
            }
            s.waiter = nil
            return w
        }
        waiter?.resume(returning: job)
    }

    private func next() async -> Job? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Job?, Never>) in
            let ready = state.withLock { s -> Job?? in
                if !s.jobs.isEmpty { return .some(s.jobs.removeFirst()) }
                if s.finished { return .some(nil) }
                s.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// One result handed from the serving task to the blocked thread.
private final class Slot<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func fill(_ result: Result<T, any Error>) {
        value.withLock { $0 = result }
        ready.signal()
    }

    func take() -> Result<T, any Error> {
        ready.wait()
        return value.withLock { $0! }
    }
}
