import Books
import Synchronization

/// How many of the consumers' off-writer passes prepare at once while the runner follows the
/// journal (`ConsumerRunner.preparesMax`): each holds a core while its handlers run. On a
/// machine of two cores, with two or three preparing beside the event loops and the writer,
/// every gift's own work waited for a core behind them; one at a time, the socket gifts
/// benchmark sent a fifth more gifts a second at half the p99 (`benchmarks/LOG.md`,
/// 2026-12-07T00:20Z).
///
/// A slot goes to waiting `prompt` consumers (a gift's animation, its steps) before `bulk` ones
/// (task progress, boards), and within a pace in the order they came.
final class PrepareGate: Sendable {
    private struct State {
        var free: Int
        var prompt = Waiters()
        var bulk = Waiters()
    }

    /// Waiters in the order they came.
    private struct Waiters {
        var queue: [CheckedContinuation<Void, Never>] = []
        var head = 0
        var count: Int { queue.count - head }
        mutating func append(_ c: CheckedContinuation<Void, Never>) { queue.append(c) }
        mutating func next() -> CheckedContinuation<Void, Never>? {
            guard head < queue.count else { return nil }
            let c = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            return c
        }
    }

    private let state: Mutex<State>
    /// Passes that may prepare at once.
    let slots: Int

    /// - Parameter slots: passes that may prepare at once, at least 1.
    init(slots: Int) {
        precondition(slots >= 1, "a prepare gate needs a slot")
        self.slots = slots
        state = Mutex(State(free: slots))
    }

    /// Passes waiting for a slot (for tests).
    var waiting: Int { state.withLock { $0.prompt.count + $0.bulk.count } }
    /// Slots no pass holds (for tests).
    var freeSlots: Int { state.withLock { $0.free } }

    /// Runs `body` once a slot is free for a consumer of `pace`, and frees the slot after.
    func run<T>(_ pace: ConsumerPace, _ body: () async throws -> T) async rethrows -> T {
        await enter(pace)
        defer { leave() }
        return try await body()
    }

    private func enter(_ pace: ConsumerPace) async {
        let entered = state.withLock { s -> Bool in
            guard s.free > 0 else { return false }
            s.free -= 1
            return true
        }
        if entered { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                // A slot freed since the first look: take it.
                if s.free > 0 {
                    s.free -= 1
                    return true
                }
                switch pace {
                case .prompt: s.prompt.append(c)
                case .bulk: s.bulk.append(c)
                }
                return false
            }
            if now { c.resume() }
        }
    }

    private func leave() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let c = s.prompt.next() ?? s.bulk.next() { return c }
            s.free += 1
            return nil
        }
        // The slot passes to the next waiter as it is.
        next?.resume()
    }
}
