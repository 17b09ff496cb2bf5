import Books
import Synchronization

/// How many of the consumers' off-writer passes prepare at once while the runner follows the
/// journal (`ConsumerRunner.preparesMax`): each holds a core while its handlers run. On a
/// machine of two cores, with two or three preparing beside the event loops and the writer,
/// every gift's own work waited for a core behind them; one at a time (each waiting at most
/// 100 ms), the socket gifts benchmark sent 0.44–0.50× Redis's gifts a second against
/// 0.43–0.45× side by side, at 176–186 µs of CPU a gift against 191–197, the consumers caught
/// up in both (`benchmarks/LOG.md`, 2026-12-07T02:57Z).
///
/// A slot goes to waiting `prompt` consumers (a gift's animation, its steps) before `bulk` ones
/// (task progress, boards), and within a pace in the order they came.
///
/// A pass waits for a slot at most `waitMax`; then it prepares without one. The slots are for
/// a load the consumers keep up with on fewer cores than they would take side by side; under a
/// load they cannot carry one at a time, passes that waited for ever let a consumer fall
/// further behind the longer it lasted (on the socket gifts benchmark, with one slot and no
/// limit, the tasks were three seconds behind after ten: `benchmarks/LOG.md`,
/// 2026-12-07T02:55Z). With the limit the consumers then prepare side by side, as without a
/// gate, and keep up, and the gifts a second are what the machine can carry with them.
final class PrepareGate: Sendable {
    private struct State {
        var free: Int
        var prompt = Waiters()
        var bulk = Waiters()
        var nextID: UInt64 = 0
    }

    /// Waiters in the order they came; each is resumed with whether it holds a slot.
    private struct Waiters {
        var queue: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
        var count: Int { queue.count }
        mutating func append(_ id: UInt64, _ c: CheckedContinuation<Bool, Never>) { queue.append((id, c)) }
        mutating func next() -> CheckedContinuation<Bool, Never>? {
            queue.isEmpty ? nil : queue.removeFirst().continuation
        }
        /// Takes the waiter `id` out of the queue, if it is still in it.
        mutating func remove(_ id: UInt64) -> CheckedContinuation<Bool, Never>? {
            guard let i = queue.firstIndex(where: { $0.id == id }) else { return nil }
            return queue.remove(at: i).continuation
        }
    }

    private let state: Mutex<State>
    /// Passes that may prepare at once.
    let slots: Int
    /// The longest a pass waits for a slot before it prepares without one.
    let waitMax: Duration

    /// - Parameters:
    ///   - slots: passes that may prepare at once, at least 1.
    ///   - waitMax: the longest a pass waits for a slot before it prepares without one.
    init(slots: Int, waitMax: Duration) {
        precondition(slots >= 1, "a prepare gate needs a slot")
        precondition(waitMax >= .zero, "a wait is not negative")
        self.slots = slots
        self.waitMax = waitMax
        state = Mutex(State(free: slots))
    }

    /// Passes waiting for a slot (for tests).
    var waiting: Int { state.withLock { $0.prompt.count + $0.bulk.count } }
    /// Slots no pass holds (for tests).
    var freeSlots: Int { state.withLock { $0.free } }

    /// Runs `body` once a slot is free for a consumer of `pace`, or once it has waited
    /// `waitMax`, and frees the slot after (if it had one).
    func run<T>(_ pace: ConsumerPace, _ body: () async throws -> T) async rethrows -> T {
        let holds = await enter(pace)
        defer { if holds { leave() } }
        return try await body()
    }

    /// Waits for a slot, at most `waitMax`. Returns whether the caller holds one.
    private func enter(_ pace: ConsumerPace) async -> Bool {
        let entered = state.withLock { s -> Bool in
            guard s.free > 0 else { return false }
            s.free -= 1
            return true
        }
        if entered { return true }
        return await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let queued = state.withLock { s -> UInt64? in
                // A slot freed since the first look: take it.
                if s.free > 0 {
                    s.free -= 1
                    return nil
                }
                s.nextID &+= 1
                switch pace {
                case .prompt: s.prompt.append(s.nextID, c)
                case .bulk: s.bulk.append(s.nextID, c)
                }
                return s.nextID
            }
            guard let id = queued else { return c.resume(returning: true) }
            let waitMax = waitMax
            Task { [self] in
                try? await Task.sleep(for: waitMax)
                let expired = state.withLock { s in
                    switch pace {
                    case .prompt: s.prompt.remove(id)
                    case .bulk: s.bulk.remove(id)
                    }
                }
                // Still waiting (no slot was handed to it): it goes without one.
                expired?.resume(returning: false)
            }
        }
    }

    private func leave() {
        let next = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            if let c = s.prompt.next() ?? s.bulk.next() { return c }
            s.free += 1
            return nil
        }
        // The slot passes to the next waiter as it is.
        next?.resume(returning: true)
    }
}
