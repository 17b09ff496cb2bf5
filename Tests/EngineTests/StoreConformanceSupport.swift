@testable import Books
import Foundation
import Testing
@testable import Engine

/// Thrown by a conformance test's `write` body to make it roll back.
struct Aborted: Error {}

/// Runs a store's `read` whose body reads `value`, waits while `change` commits a write, and
/// reads `value` again in the same body: a read on a consistent snapshot answers the first value
/// twice. Answers both reads, and the value a fresh read sees afterwards.
///
/// The change waits for the read to have begun, however long the loaded suite keeps it from a
/// thread: going on after a deadline would make the change first and fail the test for the wrong
/// reason. If the read has not begun within `beginPatience`, or the change has not committed
/// within `commitPatience` of the read's first value, this throws `SnapshotReadsStalled` naming
/// the side (never a crash, which would take the whole suite with it).
func snapshotReads<Tx, V: Sendable>(
    _ read: @escaping @Sendable (@escaping @Sendable (Tx) throws -> [V]) async throws -> [V],
    value: @escaping @Sendable (Tx) throws -> V,
    beginPatience: Duration = .seconds(600),
    commitPatience: Duration = .seconds(600),
    during change: @escaping @Sendable () async throws -> Void
) async throws -> (first: V, second: V, after: V) {
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    let entered = Flag()
    let changed = Flag()
    let commitSeconds = seconds(commitPatience)
    async let reads = read { tx in
        let first = try value(tx)
        entered.set()
        let deadline = Date().addingTimeInterval(commitSeconds)
        while true {
            // The deadline first: a body that wakes past it has waited too long, whatever it finds.
            guard Date() < deadline else { throw SnapshotReadsStalled.writeNeverCommitted }
            if changed.isSet { break }
            usleep(500)
        }
        return [first, try value(tx)]
    }
    let deadline = Date().addingTimeInterval(seconds(beginPatience))
    while !entered.isSet {
        guard Date() < deadline else {
            // Leaving the scope cancels the read; one that begins after all ends at once.
            changed.set()
            throw SnapshotReadsStalled.readNeverStarted
        }
        try await Task.sleep(for: .milliseconds(1))
    }
    do {
        try await change()
    } catch {
        changed.set()
        _ = try? await reads
        throw error
    }
    changed.set()
    let both = try await reads
    let after = try await read { tx in [try value(tx)] }
    return (both[0], both[1], after[0])
}

/// Why `snapshotReads` gave up: one side waited past its patience for the other.
enum SnapshotReadsStalled: Error, CustomStringConvertible {
    case readNeverStarted, writeNeverCommitted

    var description: String {
        switch self {
        case .readNeverStarted: "the read never began, so the change was not made"
        case .writeNeverCommitted: "the change never committed while the read held its snapshot"
        }
    }
}

/// A coins top-up of `user` from payment clearing: a ledger transfer a store's `write` body makes
/// through `tx.ledger`, to show it rolls back with the rest.
func coinsTopUp(_ id: String, _ user: String, _ amount: Int64) -> TransferRequest {
    TransferRequest(id: id, debit: .system(.paymentClearing, "coins"), credit: .user(user, "coins"), asset: "coins", amount: amount, code: "topup")
}

/// What `body` threw, or nil when it returned.
///
/// The conformance suites keep every closure out of `#expect` and `#require`: with closures both
/// inside and outside those macros in one test, the compiler (Swift 6.3.1) gave two closures of
/// the same type one symbol, and a read outside the macro ran the body of one inside it.
func thrown(_ body: () async throws -> Void) async -> (any Error)? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}
