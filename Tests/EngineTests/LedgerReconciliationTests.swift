@testable import Books
import EngineTesting
import GRDB
import Testing
@testable import Engine

@Suite struct LedgerReconciliationTests {
    /// Damages a consistent ledger behind its back with one statement and expects `code` among
    /// the violations.
    @Test(arguments: [
        ("UPDATE ledger_accounts SET balance = balance + 1 WHERE id = 'user:bob:coins'", "balance_mismatch"),
        ("UPDATE ledger_accounts SET pending_debits = 0 WHERE id = 'user:alice:coins'", "pending_mismatch"),
        ("DELETE FROM ledger_pending_open", "open_pending_mismatch"),
        ("UPDATE ledger_transfers SET ts = 1 WHERE id = 'gift'", "timestamp_order"),
        ("UPDATE ledger_transfers SET reverses = 'nowhere' WHERE id = 'back'", "dangling_reversal"),
        ("UPDATE ledger_transfers SET amount = amount + 1 WHERE id = 'back'", "invalid_reversal"),
        ("UPDATE ledger_transfers SET pending_id = 'gift' WHERE id = 'void'", "orphan_close"),
        ("DELETE FROM ledger_accounts WHERE id = 'user:bob:coins'", "missing_account"),
        ("UPDATE ledger_accounts SET balance = 5 WHERE id = 'system:promotions:coins'", "unbalanced_asset"),
    ])
    func findsEachKindOfDamage(sql: String, code: String) async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100, id: "top")
        _ = try await fx.ledger.transfer([coins("gift", "alice", "bob", 30)])
        _ = try await fx.ledger.reverse("gift", reason: "test", id: "back")
        let hold = TransferRequest(id: "hold", debit: .user("alice", "coins"), credit: .system(.promotions, "coins"),
                                   asset: "coins", amount: 10, code: "order")
        _ = try await fx.ledger.pending(hold, timeoutMillis: 60_000)
        _ = try await fx.ledger.pending(TransferRequest(id: "hold2", debit: hold.debit, credit: hold.credit, asset: "coins",
                                                        amount: 5, code: "order"), timeoutMillis: 60_000)
        _ = try await fx.ledger.void(id: "void", pendingID: "hold2")
        try await fx.expectClean()
        try await fx.store.write { db in try db.execute(sql: sql) }
        let report = try await fx.reconcile()
        #expect(report.violations.map(\.code).contains(code), "\(report.violations)")
    }

    @Test func aNegativeUserBalanceIsReportedEvenWhenHistoryAgrees() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100, id: "top")
        _ = try await fx.ledger.transfer([coins("gift", "alice", "bob", 30)])
        _ = try await fx.ledger.reverse("gift", reason: "test", id: "back")
        try await fx.store.write { db in
            // Bypass the ledger: repeat the reversal under another id and move the balances to
            // match, so only the sign of bob's balance is wrong.
            try db.execute(sql: """
                INSERT INTO ledger_transfers (id, debit, credit, asset, amount, code, memo, ts, kind,
                    reverses, linked_batch, body_hash)
                SELECT 'back2', debit, credit, asset, amount, code, memo, ts + 1, kind, NULL, 'back2', ''
                FROM ledger_transfers WHERE id = 'back'
                """)
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE ledger_accounts SET balance = -30 WHERE id = 'user:bob:coins'")
            try db.execute(sql: "UPDATE ledger_accounts SET balance = 130 WHERE id = 'user:alice:coins'")
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        let codes = Set(try await fx.reconcile().violations.map(\.code))
        #expect(codes.contains("negative_balance"))
        #expect(!codes.contains("balance_mismatch"))
    }
}
