import Foundation
@testable import Storage
import Synchronization
import GRDB
import Testing
@testable import Engine

/// A payload used by storage and journal tests.
struct Counter: Codable, Equatable, Sendable {
    var i: Int
}

extension Store {
    /// Blocks the writer connection until `count` writes are queued behind the current batch,
    /// so a test controls exactly what the next batch holds. Call it from inside an op. The
    /// deadline only catches a test that can never queue them: with the whole suite running on
    /// 2 cores the queuing tasks may wait seconds for a thread (a clean CI run once hit 10 s).
    func waitForQueued(_ count: Int) {
        let deadline = Date().addingTimeInterval(120)
        while queue.withLock({ $0.pending.count }) < count {
            precondition(Date() < deadline, "writes never queued")
            usleep(500)
        }
    }

    /// Number of journal entries.
    func journalCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal") ?? 0 }
    }
}

/// Starts `first` (which should block with `waitForQueued`), then the rest once it runs, so
/// that `rest` lands in one batch.
func submitBehindBlocker<T: Sendable>(
    _ store: Store, queued: Int,
    _ rest: [@Sendable (Database) throws -> T]
) async -> [Result<T, any Error>] {
    let started = Flag()
    return await withTaskGroup(of: (Int, Result<T, any Error>).self) { group in
        group.addTask {
            let result = await Result { () async throws -> T in
                try await store.write { db in
                    started.set()
                    store.waitForQueued(queued)
                    return try rest[0](db)
                }
            }
            return (0, result)
        }
        // The others queue up only once the blocker's batch is running on the writer.
        while !started.isSet { try? await Task.sleep(for: .milliseconds(1)) }
        for index in 1..<rest.count {
            group.addTask {
                (index, await Result { () async throws -> T in try await store.write(rest[index]) })
            }
        }
        var results = [Result<T, any Error>?](repeating: nil, count: rest.count)
        for await (index, result) in group { results[index] = result }
        return results.map { $0! }
    }
}

/// A thread-safe one-way flag.
final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
