import EngineTesting
@testable import Storage
import Testing
@testable import Engine

@Suite struct StoreWriterPriorityTests {
    @Test("the writer runs its batches raised when the process may raise it, and goes back after; readers are never raised")
    func raisedWhileHoldingABatch() async throws {
        try await TemporaryDatabase.with { tmp in
            let own = WriterPriority.current()
            for boost in [0, 3] {
                var config = tmp.configuration()
                config.writerPriorityBoost = boost
                let store = try Store(config)
                // Whether a raise is permitted depends on how the process runs (CAP_SYS_NICE);
                // either way the writer's level inside a batch follows what the store found.
                let raised = store.writerPriority.isRaised
                #expect(raised == (boost > 0 && Self.mayRaise()))
                // The writer's thread outside a batch (its level follows its queue's quality
                // of service), then inside one.
                let base = try await store.pool.writeWithoutTransaction { _ in WriterPriority.current() }
                let reader = try await store.read { _ in WriterPriority.current() }
                let inside = try await store.write { _ in WriterPriority.current() }
                #expect(inside == (raised ? max(base - Int32(boost), -20) : base))
                // A batch of many operations: each sees the same level.
                let levels = try await withThrowingTaskGroup(of: Int32.self) { group in
                    for _ in 0..<16 { group.addTask { try await store.write { _ in WriterPriority.current() } } }
                    return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
                }
                #expect(levels == [inside])
                #expect(try await store.read { _ in WriterPriority.current() } == reader)
                // The writer's thread is back at its level after the batch.
                #expect(try await store.pool.writeWithoutTransaction { _ in WriterPriority.current() } == base)
                try store.close()
            }
            #expect(WriterPriority.current() == own)
        }
    }

    /// Whether this process may lower a thread's nice level (tried on this thread, and undone).
    private static func mayRaise() -> Bool {
        WriterPriority(boost: 1).isRaised
    }
}
