import CSQLiteConfig

/// Keeps the store's writer and its WAL sync on cores of their own while they work: the writer
/// on the first core the process may use for each turn of batches, the sync on the second for
/// each run of `fdatasync`s; both get every core back when they stop.
///
/// On two cores they are the two threads the group commit waits on, and left to the scheduler
/// they take each other's core: the sync thread, woken by the disk, waits for a core the writer
/// holds, and the writer, moved or preempted mid-batch, holds every caller of its batch longer.
/// The event loops, the consumers and the callers still run on either core. With fewer than
/// two cores, when not asked for (`StoreConfiguration.pinsCores`), or when the system refuses,
/// nothing is pinned.
///
/// It is off by default. On this project's 2-core virtual machine, in 12 pairs against the
/// same build unpinned (`benchmarks/LOG.md`, 2026-12-06T13:55Z–14:10Z), an `fdatasync` took
/// 131–158 µs against 165–189, and the engine alone sent 7–26% more gifts a second in 7
/// pairs, about as many in 2, and 10–22% fewer in 3, with the writer's own cost up by a
/// third: a thread pinned to a core that is busy, or taken away by the host for a while, waits
/// where it could have moved. Redis offers the same choice (`server-cpulist`, `bio-cpulist`)
/// for the same reason: on cores of one's own, pinning the threads that wait on each other
/// pays.
struct CorePinning: Sendable {
    /// The core the writer works on, and the one the WAL sync works on; nil: not pinned.
    let writer: Int32?
    let sync: Int32?
    /// The cores a pinned thread gets back: the ones the opening thread could use (the
    /// process's, unless that thread was itself restricted).
    let all: [Int32]

    /// Reads the cores the calling thread may use, and takes the first two (`enabled`).
    init(enabled: Bool) {
        let cores = enabled ? Self.threadCores() : []
        guard cores.count >= 2 else {
            (writer, sync, all) = (nil, nil, cores)
            return
        }
        (writer, sync, all) = (cores[0], cores[1], cores)
    }

    /// The cores the calling thread may run on, lowest first (empty when unknown).
    static func threadCores() -> [Int32] {
        var cores = [Int32](repeating: 0, count: 1024)
        let count = showrunner_thread_cpus(&cores, Int32(cores.count))
        return Array(cores.prefix(Int(max(0, count))))
    }

    /// Pins the calling thread to `core`. True when it did (give the cores back with `release`).
    func pin(_ core: Int32?) -> Bool {
        guard var core else { return false }
        return showrunner_set_thread_cpus(&core, 1) == 0
    }

    /// Lets the calling thread run on every core in `all` again.
    func release() {
        _ = all.withUnsafeBufferPointer { showrunner_set_thread_cpus($0.baseAddress, Int32($0.count)) }
    }
}
