@testable import Books
import EngineTesting
import Foundation
import GRDB
import MetricsTestKit
import ServiceLifecycle
import Testing
@testable import Engine

@Suite struct PendingExpiryTests {
    let hold = { (id: String, user: String, amount: Int64) in
        TransferRequest(id: id, debit: .user(user, "coins"), credit: .system(.partnerClearing, "coins"),
                        asset: "coins", amount: amount, code: "order")
    }

    /// What the store holds for `user`'s coins: balance, reserved, and open pending ids.
    func stored(_ fx: LedgerFixture, _ user: String) async throws -> (balance: Int64, reserved: Int64, open: [String]) {
        try await fx.store.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT balance, pending_debits FROM ledger_accounts WHERE id = ?",
                arguments: [AccountID.user(user, "coins").description])
            let open = try String.fetchAll(db, sql: "SELECT id FROM ledger_pending_open ORDER BY id")
            return (row?["balance"] ?? 0, row?["pending_debits"] ?? 0, open)
        }
    }

    @Test func aSweepExpiresEveryDueTransferInBatchesAndCountsThem() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100)
        for i in 0..<7 { _ = try await fx.ledger.pending(hold("h\(i)", "alice", 10), timeoutMillis: 1000) }
        _ = try await fx.ledger.pending(hold("later", "alice", 5), timeoutMillis: 60_000)
        let metrics = TestMetrics()
        let expiry = PendingExpiry(ledger: fx.ledger, batchMax: 3, metrics: metrics, logger: .quiet())

        fx.clock.advance(byMillis: 1000)
        // Ledger time is in microseconds and each pending started a microsecond after the last.
        #expect(try await expiry.sweep() == 0)
        fx.clock.advance(byMillis: 1)
        #expect(try await expiry.sweep() == 7)
        let after = try await stored(fx, "alice")
        #expect(after.balance == 100 && after.reserved == 5 && after.open == ["later"])
        #expect(try await fx.ledger.available(.user("alice", "coins")) == 95)
        #expect(try await expiry.sweep() == 0)
        #expect(try metrics.expectCounter(PendingExpiry.expiredLabel).totalValue == 7)
        let history = try await fx.ledger.transfers(account: .user("alice", "coins"), limit: 20)
        #expect(history.transfers.filter { $0.kind == .expire }.count == 7)
        try await fx.expectClean()
    }

    @Test func theRunningServiceVoidsADuePendingAndStopsOnGracefulShutdown() async throws {
        let fx = try LedgerFixture()
        try await fx.topUp("alice", 100)
        _ = try await fx.ledger.pending(hold("order-1", "alice", 40), timeoutMillis: 500)
        let metrics = TestMetrics()
        let expiry = PendingExpiry(ledger: fx.ledger, interval: .milliseconds(2), metrics: metrics, logger: .quiet())
        let group = ServiceGroup(configuration: .init(services: [.init(service: expiry)], logger: .quiet()))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Many sweeps run before the ledger's clock reaches the expiry: nothing is due yet.
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await stored(fx, "alice").open == ["order-1"])
            fx.clock.advance(byMillis: 501)
            let deadline = ContinuousClock.now + .seconds(120)
            while try await stored(fx, "alice").reserved != 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let after = try await stored(fx, "alice")
        #expect(after.balance == 100 && after.reserved == 0 && after.open.isEmpty)
        #expect(try await fx.ledger.available(.user("alice", "coins")) == 100)
        let expired = try await fx.ledger.transfers(account: .user("alice", "coins")).transfers.first
        #expect(expired?.id == "~expire:order-1" && expired?.kind == .expire && expired?.amount == 40)
        #expect(try metrics.expectCounter(PendingExpiry.expiredLabel).totalValue == 1)
        #expect(await ledgerReason { try await fx.ledger.post(id: "late", pendingID: "order-1") } == .pendingExpired)
        try await fx.expectClean()
    }
}
