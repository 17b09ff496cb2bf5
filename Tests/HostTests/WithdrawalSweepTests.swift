import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import Testing
@testable import Host

/// Withdrawals are imported on day 3 by the periodic sweep, whenever the month is run; a hold
/// that lapsed first is marked expired, the revenue staying with the streamer.
@Suite("Settlement: the withdrawal sweep")
struct WithdrawalSweepTests {
    typealias S = SettlementTests

    static func code(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as any ShowrunnerError { return error.code } catch { return "\(error)" }
    }

    @Test("the sweep imports nothing on the last ms of day 2, everything on the first ms of day 3, nothing more when run twice; a month run 40 days later shows them")
    func dayThree() async throws {
        let clock = ManualClock()
        let e = try await S.host(clock: clock)
        defer { e.folder.remove() }
        try await S.month(e, clock)
        let s = e.engine.settlement
        let ledger = e.engine.ledger
        let generation = try #require(e.engine.scripts.current)
        clock.set(millis: S.ms("2026-11-01T00:00:00Z"))
        _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 1000, idempotencyKey: "a"))
        // A run inside the window drafts with what was asked so far.
        let drafted = try await s.run(month: "2026-10", generation: generation, by: "fin")
        #expect(drafted.statements.first { $0.ownerID == "s1" }?.withdrawn == 1000)
        clock.set(millis: S.ms("2026-11-02T23:59:59Z") + 999)
        _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 500, idempotencyKey: "b"))
        #expect(try await s.sweepWithdrawals() == 0, "the window is still open")
        #expect(try await s.withdrawals(streamer: "s1").allSatisfy { $0.state == "pending" && $0.importedAt == nil })
        #expect(try await ledger.balance(.user("s1", "revenue")) == 5000)
        clock.set(millis: S.ms("2026-11-03T00:00:00Z"))
        #expect(try await s.sweepWithdrawals() == 2)
        let imported = try await s.withdrawals(streamer: "s1")
        #expect(imported.map(\.state) == ["imported", "imported"] && imported.allSatisfy { $0.importedAt == S.ms("2026-11-03T00:00:00Z") && $0.reason == nil })
        #expect(try await ledger.balance(.user("s1", "revenue")) == 3500)
        #expect(try await ledger.balance(.system(.settlementPayouts, "revenue")) == 1500)
        // A second sweep finds nothing: nothing moves twice.
        clock.advance(byMillis: 1)
        #expect(try await s.sweepWithdrawals() == 0)
        #expect(try await ledger.balance(.user("s1", "revenue")) == 3500)
        #expect(try await s.withdrawals(streamer: "s1") == imported)
        // The draft shows 1,000 but 1,500 were imported: confirming asks for a new run.
        #expect(await Self.code { _ = try await s.confirm(month: "2026-10", by: "fin") } == "month_not_reviewed")
        // Run 40 days later (past the holds' 30 days): the run only reads what the sweep imported.
        clock.set(millis: S.ms("2026-11-03T00:00:00Z") + 40 * 86_400_000)
        let run = try await s.run(month: "2026-10", generation: generation, by: "fin")
        #expect(run.statements.first { $0.ownerID == "s1" }?.withdrawn == 1500)
        #expect(try await s.withdrawals(streamer: "s1") == imported)
        _ = try await s.confirm(month: "2026-10", by: "fin")
        #expect(try await ledger.balance(.user("s1", "revenue")) == 3500 + 70_000)
        #expect(try await S.clean(e) == [])
    }

    @Test("a hold that lapsed (nothing ran for 30 days) or was voided: marked expired with the reason, the revenue stays; never retried", arguments: [true, false])
    func lapsed(bySweep: Bool) async throws {
        let clock = ManualClock()
        let e = try await S.host(clock: clock)
        defer { e.folder.remove() }
        try await S.month(e, clock)
        let s = e.engine.settlement
        let ledger = e.engine.ledger
        let generation = try #require(e.engine.scripts.current)
        clock.set(millis: S.ms("2026-11-01T08:00:00Z"))
        let a = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 1000, idempotencyKey: "a"))
        _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 500, idempotencyKey: "b"))
        let c = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 250, idempotencyKey: "c"))
        let now = clock.nowMillis()
        _ = try await e.engine.store.write { db in try ledger.apply(db, operations: [.void(id: "void-c", pendingID: c.transferID)], now: now) }
        #expect(try await ledger.available(.user("s1", "revenue")) == 3500)
        // The server was down from day 1 to past the holds' 30 days; the ledger's own expiry
        // got to `a` first, `b` merely lapsed.
        clock.set(millis: S.ms("2026-12-01T08:00:00Z") + 1)
        #expect(try await ledger.expirePending(limit: 1).map(\.pendingID) == [a.transferID])
        if bySweep {
            #expect(try await s.sweepWithdrawals() == 3)
        }
        // The run (the fallback when nothing swept) leaves the same: no withdrawal counts.
        let run = try await s.run(month: "2026-10", generation: generation, by: "fin")
        #expect(run.statements.first { $0.ownerID == "s1" }?.withdrawn == nil)
        let list = try await s.withdrawals(streamer: "s1")
        #expect(list.map(\.state) == ["expired", "expired", "expired"])
        #expect(list.allSatisfy { $0.importedAt == nil && $0.reason?.contains("revenue stays with the streamer") == true })
        #expect(list.map { $0.reason?.contains("lapsed") == true } == [false, true, true])
        #expect(list[0].reason?.contains("voided") == true)
        // The streamer's list (`GET /v1/streamers/me/withdrawals`) carries the state and the reason.
        let json = String(decoding: try JSONEncoder().encode(list[1]), as: UTF8.self)
        #expect(json.contains(#""state":"expired""#) && json.contains(#""reason":"the hold lapsed before the import"#), "\(json)")
        #expect(try await s.sweepWithdrawals() == 0, "an expired withdrawal is not tried again")
        #expect(try await ledger.balance(.user("s1", "revenue")) == 5000)
        #expect(try await ledger.available(.user("s1", "revenue")) == 5000)
        #expect(try await ledger.balance(.system(.settlementPayouts, "revenue")) == 0)
        _ = try await s.confirm(month: "2026-10", by: "fin")
        #expect(try await ledger.balance(.user("s1", "revenue")) == 75_000)
        #expect(try await S.clean(e) == [])
    }

    @Test("the sweep takes at most its batch, oldest first; the next round takes the rest")
    func batches() async throws {
        let clock = ManualClock()
        let e = try await S.host(clock: clock)
        defer { e.folder.remove() }
        try await S.month(e, clock)
        let s = e.engine.settlement
        clock.set(millis: S.ms("2026-11-02T12:00:00Z"))
        for key in ["a", "b", "c"] {
            _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 100, idempotencyKey: key))
        }
        clock.set(millis: S.ms("2026-11-05T12:00:00Z"))
        #expect(try await s.sweepWithdrawals(limit: 2) == 2)
        #expect(try await s.withdrawals(streamer: "s1").map(\.state) == ["pending", "imported", "imported"])
        #expect(try await s.sweepWithdrawals(limit: 2) == 1)
        #expect(try await s.sweepWithdrawals(limit: 2) == 0)
        #expect(try await e.engine.ledger.balance(.user("s1", "revenue")) == 4700)
    }
}
