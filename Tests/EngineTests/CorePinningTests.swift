import Dispatch
import EngineTesting
import Logging
import Metrics
@testable import Storage
import Synchronization
import Testing

/// `CorePinning`: the writer and the WAL's sync each on a core of their own while they work,
/// every core given back after.
@Suite struct CorePinningTests {
    /// Runs `body` on a thread of a queue of its own (never a test's pooled thread), and waits.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        DispatchQueue(label: "core-pinning-test").sync(execute: body)
    }

    @Test("it takes the first two cores the thread may use, and pins and releases a thread")
    func pinsAndReleases() {
        let cores = CorePinning.threadCores()
        #expect(!cores.isEmpty, "a thread runs on some core")
        #expect(cores == cores.sorted())
        let pinning = CorePinning(enabled: true)
        guard cores.count >= 2 else {
            #expect(pinning.writer == nil && pinning.sync == nil, "one core: nothing to keep apart")
            return
        }
        #expect(pinning.writer == cores[0] && pinning.sync == cores[1] && pinning.all == cores)
        let seen = Self.onOwnThread { () -> (pinned: [Int32], released: [Int32], didPin: Bool) in
            let didPin = pinning.pin(pinning.sync)
            let pinned = CorePinning.threadCores()
            pinning.release()
            return (pinned, CorePinning.threadCores(), didPin)
        }
        #expect(seen.didPin && seen.pinned == [cores[1]])
        #expect(seen.released == cores)
    }

    @Test("off by default; turned off, or without a core, it pins nothing")
    func off() {
        #expect(!StoreConfiguration(path: "unused").pinsCores)
        let pinning = CorePinning(enabled: false)
        #expect(pinning.writer == nil && pinning.sync == nil && pinning.all.isEmpty)
        let seen = Self.onOwnThread { (pinning.pin(nil), CorePinning.threadCores()) }
        #expect(!seen.0)
        #expect(seen.1 == CorePinning.threadCores())
    }

    @Test("a store's writer works on its core, the WAL's sync on the other, and neither when turned off")
    func storeThreads() async throws {
        let cores = CorePinning.threadCores()
        for pins in [true, false] {
            try await TemporaryDatabase.with { tmp in
                let syncCores = Mutex<[[Int32]]>([])
                var config = tmp.configuration(synchronous: .pipelined)
                config.pinsCores = pins
                let store = try Store(config, logger: .quiet(), metrics: NOOPMetricsHandler.instance,
                    willSyncWAL: { syncCores.withLock { $0.append(CorePinning.threadCores()) } })
                let writerCores = try await store.write { _ in CorePinning.threadCores() }
                try store.close()
                let synced = syncCores.withLock { $0 }
                #expect(!synced.isEmpty, "the write was answered after a sync")
                if pins && cores.count >= 2 {
                    #expect(writerCores == [cores[0]])
                    #expect(synced.allSatisfy { $0 == [cores[1]] })
                } else {
                    #expect(writerCores == cores)
                    #expect(synced.allSatisfy { $0 == cores })
                }
            }
        }
    }
}
