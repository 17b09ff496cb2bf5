import Synchronization

/// The VMs of one generation. A call takes a VM, runs, and gives it back; when none is free it
/// waits up to a bound, then fails as overloaded. A VM killed for memory is replaced.
final class VMPool: Sendable {
    private struct State {
        var idle: [LuaVM]
        var waiters: [(id: UInt64, continuation: CheckedContinuation<LuaVM, any Error>)] = []
        var nextWaiter: UInt64 = 0
    }

    private let state: Mutex<State>
    private let factory: @Sendable () throws -> LuaVM
    private let waitTimeout: Duration
    private let waitersMax: Int

    init(vms: [LuaVM], limits: ScriptLimits, factory: @escaping @Sendable () throws -> LuaVM) {
        state = Mutex(State(idle: vms))
        self.factory = factory
        waitTimeout = limits.vmWaitTimeout
        waitersMax = limits.vmWaitersMax
    }

    /// A fresh VM of the same generation (to replace one killed for memory).
    func makeVM() throws -> LuaVM { try factory() }

    /// Takes a free VM, waiting up to the pool's bound.
    func acquire(path: String) async throws(ScriptFailure) -> LuaVM {
        let (vm, waiterID): (LuaVM?, UInt64?) = state.withLock { s in
            if let vm = s.idle.popLast() { return (vm, nil) }
            guard s.waiters.count < waitersMax else { return (nil, nil) }
            s.nextWaiter += 1
            return (nil, s.nextWaiter)
        }
        if let vm { return vm }
        guard let waiterID else {
            throw ScriptFailure(.overloaded, path: path, detail: "all script VMs are busy and \(waitersMax) calls are waiting")
        }
        if let vm = await waitWithTimeout(waiterID) { return vm }
        throw ScriptFailure(.overloaded, path: path, detail: "no script VM became free within \(waitTimeout)")
    }

    /// Gives a VM back (replacing it when a memory kill left it suspect).
    func release(_ vm: LuaVM) {
        var vm = vm
        if vm.wasMemoryKilled, let fresh = try? factory() { vm = fresh }
        vm.wasMemoryKilled = false
        let waiter: CheckedContinuation<LuaVM, any Error>? = state.withLock { s in
            if !s.waiters.isEmpty { return s.waiters.removeFirst().continuation }
            s.idle.append(vm)
            return nil
        }
        waiter?.resume(returning: vm)
    }

    private func waitWithTimeout(_ id: UInt64) async -> LuaVM? {
        let timeout = waitTimeout
        return await withThrowingTaskGroup(of: LuaVM?.self) { group in
            group.addTask { try await self.wait(id) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            var got: LuaVM?
            var first = true
            while let result = await group.nextResult() {
                if case .success(let vm?) = result {
                    if got == nil { got = vm } else { release(vm) }
                }
                if first {
                    first = false
                    group.cancelAll()
                }
            }
            return got
        }
    }

    private func wait(_ id: UInt64) async throws -> LuaVM {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<LuaVM, any Error>) in
                let outcome: Result<LuaVM, any Error>? = state.withLock { s in
                    if let vm = s.idle.popLast() { return .success(vm) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    s.waiters.append((id, c))
                    return nil
                }
                if let outcome { c.resume(with: outcome) }
            }
        } onCancel: {
            let c = state.withLock { s -> CheckedContinuation<LuaVM, any Error>? in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: i).continuation
            }
            c?.resume(throwing: CancellationError())
        }
    }
}
