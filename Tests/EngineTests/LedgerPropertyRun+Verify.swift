@testable import Books
import GRDB
import Testing
@testable import Engine

extension LedgerPropertyRun {
    /// Reconciliation is clean, and every balance and available amount equals the model's.
    func verify(_ context: String) async throws {
        let (ledger, model) = (ledger, model)
        let now = clock.nowMillis()
        let snapshot = try await store.read { db in
            let report = try Reconciliation().check(db)
            var balances: [AccountID: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, balance FROM ledger_accounts") {
                balances[try AccountID(parsing: row["id"])] = row["balance"]
            }
            var available: [AccountID: Int64] = [:]
            for account in model.balances.keys where !account.mayGoNegative {
                available[account] = try ledger.available(db, account, now: now)
            }
            return (report, balances, available)
        }
        #expect(snapshot.0.violations == [], "\(context)")
        for account in Set(snapshot.1.keys).union(model.balances.keys) {
            #expect(snapshot.1[account, default: 0] == model.balance(account), "\(context): balance of \(account)")
        }
        for (account, amount) in snapshot.2 {
            #expect(amount == model.available(account), "\(context): available of \(account)")
        }
    }
}
