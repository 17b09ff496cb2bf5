@testable import Books
import Foundation
import Testing
@testable import Engine

/// Thrown by a conformance test's `write` body to make it roll back.
struct Aborted: Error {}

/// Runs a store's `read` whose body reads `value`, waits while `change` commits a write, and
/// reads `value` again in the same body: a read on a consistent snapshot answers the first value
/// twice. Answers both reads, and the value a fresh read sees afterwards.
func snapshotReads<Tx, V: Sendable>(
    _ read: @escaping @Sendable (@escaping @Sendable (Tx) throws -> [V]) async throws -> [V],
    value: @escaping @Sendable (Tx) throws -> V,
    during change: @escaping @Sendable () async throws -> Void
) async throws -> (first: V, second: V, after: V) {
    let entered = Flag()
    let changed = Flag()
    async let reads = read { tx in
        let first = try value(tx)
        entered.set()
        // With the whole suite running, the write may wait seconds for a thread.
        let deadline = Date().addingTimeInterval(120)
        while !changed.isSet {
            precondition(Date() < deadline, "the write never committed")
            usleep(500)
        }
        return [first, try value(tx)]
    }
    let deadline = Date().addingTimeInterval(120)
    while !entered.isSet && Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
    try await change()
    changed.set()
    let both = try await reads
    let after = try await read { tx in [try value(tx)] }
    return (both[0], both[1], after[0])
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
