import Foundation
import Synchronization
import Testing

/// The conformance suites' `snapshotReads` helper: when one side never gets going, it says which,
/// and never makes the change before the read has begun.
@Suite("snapshotReads")
struct SnapshotReadsTests {
    /// A stand-in store: its read waits `delay`, then runs the body on a fixed "snapshot" on a
    /// queue of its own, as GRDB runs a read on its connection's queue: the body's wait for the
    /// change must not hold one of the few threads of Swift's pool, which the change needs.
    static func read(delay: Duration) -> @Sendable (@escaping @Sendable (Int) throws -> [Int]) async throws -> [Int] {
        { body in
            try await Task.sleep(for: delay)
            return try await withCheckedThrowingContinuation { done in
                DispatchQueue(label: "snapshotReads-test-read").async { done.resume(with: Result { try body(7) }) }
            }
        }
    }

    /// A stand-in store whose read never gets a thread: it waits until it is cancelled.
    static let starvedRead: @Sendable (@escaping @Sendable (Int) throws -> [Int]) async throws -> [Int] = { body in
        while true { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func aReadThatNeverBeginsIsReportedAndTheChangeIsNotMade() async throws {
        let changes = ChangeCount()
        let error = await thrown {
            _ = try await snapshotReads(Self.starvedRead, value: { $0 }, beginPatience: .milliseconds(100)) { changes.increment() }
        }
        #expect((error as? SnapshotReadsStalled) == .readNeverStarted)
        #expect(changes.value == 0, "the change waits for the read, and is not made when it never begins")
    }

    @Test func aChangeThatNeverCommitsIsReported() async throws {
        let error = await thrown {
            _ = try await snapshotReads(Self.read(delay: .zero), value: { $0 }, commitPatience: .milliseconds(100)) {
                try await Task.sleep(for: .seconds(1))
            }
        }
        #expect((error as? SnapshotReadsStalled) == .writeNeverCommitted)
    }

    @Test func aReadThatBeginsLateIsWaitedFor() async throws {
        let changes = ChangeCount()
        let seen = try await snapshotReads(Self.read(delay: .milliseconds(200)), value: { $0 }) { changes.increment() }
        #expect(seen.first == 7 && seen.second == 7 && seen.after == 7)
        #expect(changes.value == 1)
    }
}

/// A count shared across tasks.
private final class ChangeCount: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
