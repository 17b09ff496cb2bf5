@testable import Books
import EngineTesting
import GRDB
@testable import Storage
import Testing
@testable import Engine

/// A ledger on a fresh temporary database with a manual clock.
struct LedgerFixture: Sendable {
    let database: TemporaryDatabase
    let store: Store
    let clock: ManualClock
    let ledger: Ledger

    init(configuration: LedgerConfiguration = .standard) throws {
        database = try TemporaryDatabase()
        store = try database.openStore(synchronous: .off)
        clock = ManualClock()
        ledger = Ledger(store: store, configuration: configuration, clock: clock)
    }

    /// Credits `amount` coins (or `asset`) to `user` from payment clearing.
    @discardableResult
    func topUp(_ user: String, _ amount: Int64, id: String? = nil, asset: String = "coins") async throws -> Transfer {
        try await ledger.transfer([
            TransferRequest(
                id: id ?? "topup-\(user)-\(amount)-\(clock.nowMillis())", debit: .system(.paymentClearing, asset),
                credit: .user(user, asset), asset: asset, amount: amount, code: "topup")
        ])[0]
    }

    /// The reconciliation report of the committed state.
    func reconcile() async throws -> ReconciliationReport {
        try await store.read { db in try Reconciliation().check(db) }
    }

    /// Expects the reconciliation to be clean.
    func expectClean(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let report = try await reconcile()
        #expect(report.violations == [], sourceLocation: sourceLocation)
    }
}

/// A coins transfer between two users.
func coins(_ id: String, _ from: String, _ to: String, _ amount: Int64, memo: String = "") -> TransferRequest {
    TransferRequest(id: id, debit: .user(from, "coins"), credit: .user(to, "coins"), asset: "coins", amount: amount, code: "gift", memo: memo)
}

/// Runs `body` and returns the `LedgerError` reason it threw (nil if it did not throw one).
func ledgerReason<T>(_ body: () async throws -> T) async -> LedgerError.Reason? {
    do {
        _ = try await body()
        return nil
    } catch let error as LedgerError {
        return error.reason
    } catch {
        return nil
    }
}
