import Synchronization

/// A wake-up bell for journal consumers: writers `poke` it after a commit that appended
/// entries; consumers `wait` on it with a timeout, so they react at once to new facts and
/// still poll now and then (a poke is a hint, the journal is the truth).
///
/// Each poke bumps a generation number. A consumer reads `generation` before catching up and
/// waits for a later one, so a poke that lands while it works is never lost.
public final class JournalSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Creates a signal at generation 0.
    public init() {}

    /// The number of pokes so far.
    public var generation: UInt64 {
        state.withLock { $0.generation }
    }

    /// Wakes every waiter and bumps the generation.
    public func poke() {
        let woken = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits until the generation moves past `seen`, the timeout elapses, or the task is
    /// cancelled, whichever comes first.
    /// - Parameters:
    ///   - seen: the generation read before the caller last caught up.
    ///   - timeout: the longest wait.
    /// - Returns: `true` when poked, `false` on timeout or cancellation.
    public func wait(after seen: UInt64, timeout: Duration) async -> Bool {
        // Already poked (under load, most waits: commits land while a consumer's batch runs):
        // answer at once, without the two child tasks and the timer of a real wait.
        if generation != seen { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitForPoke(after: seen) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Suspends until a poke after `seen`; returns `false` if cancelled first.
    private func waitForPoke(after seen: UInt64) async -> Bool {
        let id = state.withLock { state in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    // Checked under the lock: either we see the cancellation here, or the
                    // cancellation handler sees our continuation and resumes it.
                    if state.generation != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
        return state.withLock { $0.generation != seen }
    }
}
