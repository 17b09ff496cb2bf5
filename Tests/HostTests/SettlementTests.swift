@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import Rooms
@testable import Scripting
import Testing
@testable import Host

/// Guilds, earnings and the monthly close, on a generated month settled against numbers worked
/// out by hand with the shipped policy (`Scripts/settlement/base_salary.lua`).
@Suite("Settlement")
struct SettlementTests {
    /// Milliseconds of an ISO 8601 UTC time.
    static func ms(_ text: String) -> Int64 {
        Int64(ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970 * 1000)
    }

    /// The shipped policy and the library it requires.
    static func shippedPolicy() throws -> [String: String] {
        let root = repositoryRoot().appendingPathComponent("Scripts")
        return [
            "settlement/base_salary.lua": try String(contentsOf: root.appendingPathComponent("settlement/base_salary.lua"), encoding: .utf8),
            "lib/split.lua": try String(contentsOf: root.appendingPathComponent("lib/split.lua"), encoding: .utf8),
        ]
    }

    static func host(clock: ManualClock, scripts: [String: String]? = nil) async throws -> EngineHost {
        let e = try await EngineHost(scripts: try scripts ?? shippedPolicy(), clock: clock)
        for (room, streamer) in [("r1", "s1"), ("r2", "s2"), ("r3", "s3")] {
            _ = try await e.engine.rooms.create(NewRoom(id: room, streamerID: streamer, title: "Room", category: "chat"))
        }
        _ = try await e.engine.gifts.put(id: "rose", GiftEdit(name: "Rose", priceCoins: 1000, comboWindowSeconds: 10, countMax: 100))
        _ = try await e.engine.ledger.transfer([TransferRequest(id: "seed:v1", debit: .system(.promotions, "coins"),
            credit: .user("v1", "coins"), asset: "coins", amount: 1_000_000, code: "seed")])
        return e
    }

    static func lastGiftOffset(_ e: EngineHost) async throws -> Int64 {
        try await e.engine.store.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(offset) FROM journal WHERE type = 'gift'") ?? 0 }
    }

    static func gift(_ e: EngineHost, room: String, count: Int64, key: String) async throws -> GiftReceipt {
        try await e.engine.giftSender.send(GiftSendRequest(roomID: room, senderID: "v1", giftID: "rose", count: count, idempotencyKey: key))
    }

    /// Live sessions: `minutes` from 10:00 UTC on each of `days` of October 2026.
    static func live(_ e: EngineHost, streamer: String, room: String, days: ClosedRange<Int>, minutes: Int64) async throws {
        try await e.engine.store.write { db in
            for d in days {
                let start = ms(String(format: "2026-10-%02dT10:00:00Z", d))
                try db.execute(sql: "INSERT INTO live_sessions (room_id, streamer_id, game, started_at, ended_at) VALUES (?, ?, 'chat', ?, ?)",
                    arguments: [room, streamer, start, start + minutes * 60_000])
            }
        }
    }

    /// Everything the ledger, the gifts and the earnings aggregates must agree on.
    static func clean(_ e: EngineHost) async throws -> [String] {
        _ = try await e.engine.consumers.drain()
        let ledger = try await e.engine.store.read { db in
            try Reconciliation().check(db).violations.map(\.description) + GiftReconciliation.check(db)
        }
        return ledger + (try await e.engine.earnings.reconcile())
    }

    /// The generated month: s1 signs with g1 (exclusive, salary 80,000) in September and
    /// switches to g2 (salary 70,000) from 16 October; s3 is in g1 (not exclusive); s2 has no guild.
    /// Rose costs 1,000: the catalog gives 500 to the streamer, 100 to the guild, 400 to the
    /// platform. The contracts' 1,667 bp of the streamer-and-guild part (600 a rose) round down
    /// to the same 100 a rose for 1 to 5 roses, so the gifts split as the catalog's does.
    static func month(_ e: EngineHost, _ clock: ManualClock) async throws {
        let guilds = e.engine.guilds
        _ = try await guilds.create(GuildEdit(id: "g1", name: "Guild One", shareBP: 1667))
        _ = try await guilds.create(GuildEdit(id: "g2", name: "Guild Two", shareBP: 1667))
        _ = try await guilds.sign(guild: "g1", GuildContractRequest(streamerID: "s1", startsOn: "2026-09-20", exclusive: true, baseSalary: 80_000), by: "fin")
        _ = try await guilds.sign(guild: "g1", GuildContractRequest(streamerID: "s3", startsOn: "2026-10-01"), by: "fin")
        clock.set(millis: ms("2026-10-05T12:00:00Z"))
        let a = try await gift(e, room: "r1", count: 4, key: "a")
        #expect(a.guildID == "g1" && a.streamerRevenue == 2000 && a.guildShare == 400)
        clock.set(millis: ms("2026-10-07T12:00:00Z"))
        _ = try await gift(e, room: "r3", count: 3, key: "c")
        clock.set(millis: ms("2026-10-10T12:00:00Z"))
        let b = try await gift(e, room: "r2", count: 3, key: "b")
        #expect(b.guildID == nil && b.transferIDs.last == "gift:v1:b:guild")
        // The switch, made on the 12th to take effect on the 16th: the 15th is still g1's.
        clock.set(millis: ms("2026-10-12T12:00:00Z"))
        _ = try await guilds.sign(guild: "g2", GuildContractRequest(streamerID: "s1", startsOn: "2026-10-16", baseSalary: 70_000), by: "fin")
        clock.set(millis: ms("2026-10-15T23:59:59Z"))
        #expect(try await gift(e, room: "r1", count: 1, key: "d").guildID == "g1")
        clock.set(millis: ms("2026-10-20T12:00:00Z"))
        let f = try await gift(e, room: "r1", count: 5, key: "f")
        #expect(f.guildID == "g2")
        try await live(e, streamer: "s1", room: "r1", days: 1...22, minutes: 180)
        try await live(e, streamer: "s2", room: "r2", days: 1...31, minutes: 20)
        clock.set(millis: ms("2026-11-03T09:00:00Z"))
        _ = try await e.engine.consumers.drain()
    }

    @Test("a gift's guild share credits the streamer's guild of that day; a switch mid-month splits it by date; the ledger, gifts and earnings agree")
    func guildShares() async throws {
        let clock = ManualClock()
        let e = try await Self.host(clock: clock)
        defer { e.folder.remove() }
        try await Self.month(e, clock)
        let ledger = e.engine.ledger
        #expect(try await ledger.balance(.guild("g1", "revenue")) == 400 + 300 + 100)
        #expect(try await ledger.balance(.guild("g2", "revenue")) == 500)
        #expect(try await ledger.balance(.system(.guildShares, "revenue")) == 300)
        #expect(try await Self.clean(e) == [])
        let s1 = try await e.engine.earnings.month(streamer: "s1", month: "2026-10", validDayMinutes: 30)
        #expect(s1.total == 2000 + 500 + 2500 && s1.revenue["gifts"] == 5000 && s1.revenue["guards"] == 0 && s1.revenue["orders"] == 0)
        #expect(s1.days.count == 31 && s1.days[4].total == 2000 && s1.liveMinutes == 22 * 180 && s1.validDays == 22)
        let s2 = try await e.engine.earnings.month(streamer: "s2", month: "2026-10", validDayMinutes: 30)
        #expect(s2.validDays == 0 && s2.liveMinutes == 31 * 20)
        // The edge of a valid day: 20 continuous minutes are enough at 20, not at 21.
        #expect(try await e.engine.earnings.month(streamer: "s2", month: "2026-10", validDayMinutes: 20).validDays == 31)
        #expect(try await e.engine.earnings.month(streamer: "s2", month: "2026-10", validDayMinutes: 21).validDays == 0)
        let detail = try await e.engine.guilds.detail(id: "g1")
        #expect(detail.contracts.first { $0.streamerID == "s1" }?.endsOn == "2026-10-16")
        // Ending a contract clears the gift path's cache: from its end the share goes to the pool.
        _ = try await e.engine.guilds.end(guild: "g1", streamer: "s3", GuildContractEnd(endsOn: "2026-11-04"))
        clock.set(millis: Self.ms("2026-11-03T23:59:59Z"))
        #expect(try await Self.gift(e, room: "r3", count: 1, key: "last-day").guildID == "g1")
        clock.set(millis: Self.ms("2026-11-04T00:00:00Z"))
        #expect(try await Self.gift(e, room: "r3", count: 1, key: "after").guildID == nil)
        #expect(try await Self.clean(e) == [])
    }

    @Test("the close: hand-computed statements, an equal re-run, confirm posts payouts, a confirmed month refuses a run, an adjustment lands in the next month")
    func close() async throws {
        let clock = ManualClock()
        let e = try await Self.host(clock: clock)
        defer { e.folder.remove() }
        try await Self.month(e, clock)
        let settlement = e.engine.settlement
        let generation = try #require(e.engine.scripts.current)
        clock.advance(byMillis: 1000)
        // A November gift the earnings have not applied yet does not hold October's run (see
        // `earningsBehindEdge` for a fact of the month).
        _ = try await Self.gift(e, room: "r2", count: 1, key: "late")
        let early = try await settlement.run(month: "2026-10", generation: generation, by: "fin")
        // Refunded in November: the earnings net it out there (the gift and its refund).
        _ = try await e.engine.giftRefunds.refund(offset: try await Self.lastGiftOffset(e), reason: "late gift", by: "ops")
        _ = try await e.engine.consumers.drain()
        let first = try await settlement.run(month: "2026-10", generation: generation, by: "fin")
        #expect(first.state == .pendingReview && first.statements == early.statements)
        func statement(_ kind: String, _ id: String) -> SettlementStatement? {
            first.statements.first { $0.ownerKind == kind && $0.ownerID == id }
        }
        // s1: 66 hours, 22 valid days (180 ≥ 30 minutes) → the contract of the month's end, g2's
        // 70,000; revenue 5,000 is under every bonus tier; no guards, no subsidy.
        let s1 = try #require(statement("streamer", "s1"))
        #expect(s1.parts == ["base_salary": 70_000, "bonus": 0, "revenue_share": 5000, "subsidy": 0, "adjustments": 0])
        #expect(s1.total == 75_000 && s1.payout == 70_000 && s1.guildID == "g2" && s1.revenue == 5000)
        // s2: ten hours (31 × 20 minutes), no valid day → no salary.
        let s2 = try #require(statement("streamer", "s2"))
        #expect(s2.total == 1500 && s2.payout == 0 && s2.parts["base_salary"] == 0)
        // g1: shares 800; exclusive member revenue (s1 on 1-15 Oct) 2,500 → 2,500 × 200 // 10,000
        // = 50; share 850 split 2,500 : 1,500 → 531.25 and 318.75 → 531 + 318 = 849, the last
        // unit to the larger remainder (s3).
        let g1 = try #require(statement("guild", "g1"))
        #expect(g1.parts == ["share": 850, "adjustments": 0] && g1.payout == 50)
        #expect(g1.memberParts == ["s1": 531, "s3": 319])
        let g2 = try #require(statement("guild", "g2"))
        #expect(g2.parts["share"] == 500 && g2.memberParts == ["s1": 500] && g2.payout == 0)
        #expect(first.statements.count == 5)
        // Re-running with the same inputs gives the same statements and hashes.
        let again = try await settlement.run(month: "2026-10", generation: generation, by: "fin")
        #expect(again.statements == first.statements && again.inputsHash == first.inputsHash)
        #expect(try await settlement.month("2026-10") == again)
        let report = try await settlement.report(month: "2026-10")
        #expect(report.statementsCSV.split(separator: "\n").count == 4)
        #expect(report.statementsCSV.contains("2026-10,pending_review,s1,g2,5000,70000,0,5000,0,0,75000,70000,"))
        #expect(report.guildsCSV.contains("2026-10,pending_review,g1,800,850,0,850,50,s1=531 s3=319,"))
        #expect(report.html.contains("<svg") && !report.html.contains("<script") && !report.html.contains("src="), "a chart, nothing fetched")
        // Confirm: payouts through the ledger; then the month is frozen.
        _ = try await settlement.confirm(month: "2026-10", by: "fin")
        #expect(try await e.engine.ledger.balance(.user("s1", "revenue")) == 75_000)
        #expect(try await e.engine.ledger.balance(.guild("g1", "revenue")) == 850)
        #expect(try await e.engine.ledger.balance(.system(.settlementPayouts, "revenue")) == -70_050)
        await #expect(throws: RequestError.self) { _ = try await settlement.run(month: "2026-10", generation: generation, by: "fin") }
        do {
            _ = try await settlement.confirm(month: "2026-10", by: "fin")
            Issue.record("a second confirm went through")
        } catch let error as RequestError {
            #expect(error.code == "month_confirmed" && error.kind == .conflict)
        }
        #expect(try await Self.clean(e) == [])
        // A guild balance moved outside settlement is a reconciliation difference.
        try await e.engine.store.write { db in
            try db.execute(sql: "UPDATE ledger_accounts SET balance = balance + 1 WHERE id = 'guild:g2:revenue'")
        }
        #expect(try await e.engine.earnings.reconcile() == ["guild g2: earnings 500 != revenue balance 501 less settlement payouts 0"])
        try await e.engine.store.write { db in
            try db.execute(sql: "UPDATE ledger_accounts SET balance = balance - 1 WHERE id = 'guild:g2:revenue'")
        }
        // An adjustment to the confirmed month lands in November, referencing October.
        let adj = try await settlement.adjust(month: "2026-10", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s2", amount: 250, reason: "late bonus"), by: "fin")
        #expect(adj.month == "2026-11" && adj.refersToMonth == "2026-10" && adj.createdBy == "fin")
        let november = try await settlement.run(month: "2026-11", generation: generation, by: "fin")
        let s2n = try #require(november.statements.first { $0.ownerID == "s2" })
        #expect(s2n.parts["adjustments"] == 250 && s2n.total == 250 && s2n.payout == 250)
        #expect(try await settlement.month("2026-10").statements == first.statements, "October never changes")
        // An adjustment to an unconfirmed, reviewed month sends it back to open.
        _ = try await settlement.adjust(month: "2026-11", SettlementAdjustmentRequest(ownerKind: "guild", ownerID: "g1", amount: -5, reason: "fix"), by: "fin")
        #expect(try await settlement.month("2026-11").state == .open)
        await #expect(throws: RequestError.self) { _ = try await settlement.confirm(month: "2026-11", by: "fin") }
    }

    @Test("withdrawals: asked on days 1 and 2 (to the millisecond) as pending transfers, refused from day 3, imported by the run after the window")
    func withdrawals() async throws {
        let clock = ManualClock()
        let e = try await Self.host(clock: clock)
        defer { e.folder.remove() }
        try await Self.month(e, clock)
        let s = e.engine.settlement
        let generation = try #require(e.engine.scripts.current)
        func code(_ body: () async throws -> Void) async -> String? {
            do {
                try await body()
                return nil
            } catch let error as any ShowrunnerError { return error.code } catch { return "\(error)" }
        }
        clock.set(millis: Self.ms("2026-10-31T23:59:59Z") + 999)
        #expect(await code { _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 1, idempotencyKey: "early")) }
            == "withdrawal_window_closed", "the last millisecond before the window")
        clock.set(millis: Self.ms("2026-11-01T00:00:00Z"))
        let a = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 1000, idempotencyKey: "a"))
        #expect(a.month == "2026-10" && a.state == "pending")
        #expect(try await e.engine.ledger.balance(.user("s1", "revenue")) == 5000, "reserved, not moved")
        clock.set(millis: Self.ms("2026-11-02T23:59:59Z") + 999)
        _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 500, idempotencyKey: "b"))
        #expect(await code { _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 1_000_000, idempotencyKey: "c")) } == "insufficient_funds")
        #expect(await code { _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 0, idempotencyKey: "d")) } == "invalid_amount")
        #expect(await code { _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 1, idempotencyKey: "has space")) } == "invalid_idempotency_key")
        // A run inside the window drafts without importing; confirming waits for the window.
        let drafted = try await s.run(month: "2026-10", generation: generation, by: "fin")
        #expect(drafted.statements.first { $0.ownerID == "s1" }?.withdrawn == 1500)
        #expect(await code { _ = try await s.confirm(month: "2026-10", by: "fin") } == "withdrawal_window_open")
        clock.set(millis: Self.ms("2026-11-03T00:00:00Z"))
        #expect(await code { _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 1, idempotencyKey: "e")) } == "withdrawal_window_closed")
        #expect(try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 1000, idempotencyKey: "a")) == a, "the same key answers the first request")
        #expect(await code { _ = try await s.requestWithdrawal(streamer: "s1", WithdrawalRequest(amount: 999, idempotencyKey: "a")) } == "idempotency_conflict")
        // The run after the window imports them: the reservations post.
        let run = try await s.run(month: "2026-10", generation: generation, by: "fin")
        #expect(run.statements.first { $0.ownerID == "s1" }?.withdrawn == 1500)
        #expect(try await s.withdrawals(streamer: "s1").allSatisfy { $0.state == "imported" && $0.importedAt == Self.ms("2026-11-03T00:00:00Z") })
        #expect(try await e.engine.ledger.balance(.user("s1", "revenue")) == 3500)
        _ = try await s.confirm(month: "2026-10", by: "fin")
        #expect(try await e.engine.ledger.balance(.user("s1", "revenue")) == 73_500)
        #expect(try await Self.clean(e) == [])
    }

    @Test("a bad fact in the middle of a batch is parked; the batch's other facts count once (the sums kept in memory roll back with it)")
    func earningsBatchRollback() async throws {
        let clock = ManualClock(nowMillis: Self.ms("2026-10-05T12:00:00Z"))
        let e = try await Self.host(clock: clock)
        defer { e.folder.remove() }
        _ = try await Self.gift(e, room: "r1", count: 2, key: "a")
        // A refund naming an offset that is no gift: the earnings consumer cannot apply it.
        try await e.engine.store.write { db in
            _ = try Journal.append(db, type: GiftRefunds.refundedType, payloadJSON: #"{"giftOffset":1,"sendID":"x","reason":"r","by":"o","reversed":[],"manual":[]}"#,
                at: Self.ms("2026-10-05T12:00:01Z"))
        }
        _ = try await Self.gift(e, room: "r2", count: 3, key: "b")
        var parked = 0
        for _ in 0..<10 { parked += try await e.engine.consumers.drain().parked }
        #expect(parked == 1)
        #expect(try await Self.clean(e) == [])
        let s1 = try await e.engine.earnings.month(streamer: "s1", month: "2026-10")
        let s2 = try await e.engine.earnings.month(streamer: "s2", month: "2026-10")
        #expect(s1.total == 1000 && s2.total == 1500)
    }

    @Test("bad adjustments and months are refused with the field named")
    func badInput() async throws {
        let clock = ManualClock()
        let e = try await Self.host(clock: clock)
        defer { e.folder.remove() }
        let s = e.engine.settlement
        func code(_ month: String, _ r: SettlementAdjustmentRequest) async -> String? {
            do {
                _ = try await s.adjust(month: month, r, by: "fin")
                return nil
            } catch let error as RequestError { return error.code } catch { return "\(error)" }
        }
        #expect(await code("2026-13", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s1", amount: 1, reason: "r")) == "invalid_month")
        #expect(await code("2026-1", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s1", amount: 1, reason: "r")) == "invalid_month")
        #expect(await code("2026-10", SettlementAdjustmentRequest(ownerKind: "user", ownerID: "s1", amount: 1, reason: "r")) == "invalid_owner_kind")
        #expect(await code("2026-10", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s 1", amount: 1, reason: "r")) == "invalid_owner_id")
        #expect(await code("2026-10", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s1", amount: 0, reason: "r")) == "invalid_amount")
        #expect(await code("2026-10", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s1", amount: SettlementPolicy.amountMax + 1, reason: "r")) == "invalid_amount")
        #expect(await code("2026-10", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s1", amount: -SettlementPolicy.amountMax, reason: "r")) == nil)
        #expect(await code("2026-10", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s1", amount: 1, reason: "")) == "invalid_reason")
        #expect(await code("2026-10", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s1", amount: 1,
            reason: String(repeating: "x", count: Settlement.reasonBytesMax + 1))) == "invalid_reason")
        #expect(await code("2026-10", SettlementAdjustmentRequest(ownerKind: "streamer", ownerID: "s1", amount: 1,
            reason: String(repeating: "x", count: Settlement.reasonBytesMax))) == nil)
        #expect(SettlementCalendar.isDay("2028-02-29") && !SettlementCalendar.isDay("2026-02-29") && !SettlementCalendar.isDay("2026-10-32"))
        #expect(!SettlementCalendar.isDay("2026-1-01") && !SettlementCalendar.isDay("2026-10-0a"))
    }

    static let policyHead = "return settlement_policy {\n  id = \"p\",\n"

    @Test("a policy that errors, runs out of budget, or returns parts that do not add up stops the run with path:line and writes nothing", arguments: [
        ("  streamer = function(ctx, m)\n    error(\"boom\")\n  end,\n}\n", "p.lua:4"),
        ("  streamer = function(ctx, m)\n    while true do end\n  end,\n}\n", "p.lua"),
        ("  streamer = function(ctx, m)\n    return { bonus = m.revenue / 3 }\n  end,\n}\n", "round explicitly"),
        ("  streamer = function(ctx, m)\n    return { bonus = -1 }\n  end,\n}\n", "'bonus' as an integer"),
        ("  streamer = function(ctx, m)\n    return { bonus = 1, total = 2 }\n  end,\n}\n", "parts sum to 1"),
        ("  guild = function(ctx, g)\n    return { share = 10, parts = { s1 = 9 } }\n  end,\n}\n", "sum to 9, not its share 10"),
        ("  guild = function(ctx, g)\n    return { share = 1, parts = { nobody = 1 } }\n  end,\n}\n", "not a member"),
        ("  streamer = function(ctx, m)\n    ctx.notify(m.streamer_id, \"paid\")\n  end,\n}\n", "only returns amounts"),
    ])
    func failingPolicy(body: String, expected: String) async throws {
        let clock = ManualClock()
        let e = try await Self.host(clock: clock, scripts: ["settlement/p.lua": Self.policyHead + body])
        defer { e.folder.remove() }
        try await Self.month(e, clock)
        let generation = try #require(e.engine.scripts.current)
        do {
            _ = try await e.engine.settlement.run(month: "2026-10", generation: generation, by: "fin")
            Issue.record("the run went through")
        } catch let failure as ScriptFailure {
            #expect(failure.message.contains(expected), "\(failure.message)")
            #expect(failure.path.hasSuffix("settlement/p.lua"))
        }
        let month = try await e.engine.settlement.month("2026-10")
        #expect(month.state == .open && month.statements.isEmpty)
    }

    @Test("admin routes: staff read, only admins write; bad input is a 400 naming the field; the earnings page is the streamer's")
    func routes() async throws {
        let clock = ManualClock(nowMillis: Self.ms("2026-10-05T12:00:00Z"))
        let e = try await Self.host(clock: clock)
        let admin = try e.token(.admin, user: "fin")
        let ops = try e.token(.operator, user: "ops")
        let s1 = try e.token(.streamer, user: "s1")
        let viewer = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let body = #"{"id":"g1","name":"Guild One","share_bp":10000}"#
            #expect(try await client.execute(uri: "/v1/admin/guilds", method: .post, headers: bearer(ops), body: jsonBody(body)).status == .forbidden)
            for bad in [#"{"id":"g 1","name":"G","share_bp":1}"#, #"{"id":"g1","name":"","share_bp":1}"#,
                        #"{"id":"g1","name":"G","share_bp":10001}"#, #"{"id":"g1","name":"G","share_bp":-1}"#,
                        #"{"id":"g1","name":"G","share_bp":1,"x":1}"#, #"{"id":"g1","name":"G","share_bp":99999999999999999999}"#] {
                #expect(try await client.execute(uri: "/v1/admin/guilds", method: .post, headers: bearer(admin), body: jsonBody(bad)).status == .badRequest, "\(bad)")
            }
            #expect(try await client.execute(uri: "/v1/admin/guilds", method: .post, headers: bearer(admin), body: jsonBody(body)).status == .created)
            #expect(try await client.execute(uri: "/v1/admin/guilds", method: .post, headers: bearer(admin), body: jsonBody(body)).status == .conflict)
            #expect(try await client.execute(uri: "/v1/admin/guilds/g1", method: .put, headers: bearer(admin),
                body: jsonBody(#"{"name":"Renamed","share_bp":0}"#)).status == .ok)
            #expect(try await client.execute(uri: "/v1/admin/guilds/nope", method: .put, headers: bearer(admin),
                body: jsonBody(#"{"name":"Renamed","share_bp":0}"#)).status == .notFound)
            for bad in [#"{"streamer_id":"s1","starts_on":"2026-02-29"}"#, #"{"streamer_id":"s1","starts_on":"2026-10-01","share_bp":10001}"#,
                        #"{"streamer_id":"s1","starts_on":"2026-10-01","base_salary":-1}"#, #"{"streamer_id":"","starts_on":"2026-10-01"}"#] {
                #expect(try await client.execute(uri: "/v1/admin/guilds/g1/members", method: .post, headers: bearer(admin), body: jsonBody(bad)).status == .badRequest, "\(bad)")
            }
            let signed = #"{"streamer_id":"s1","starts_on":"2026-10-01","exclusive":true,"base_salary":1000000000000}"#
            #expect(try await client.execute(uri: "/v1/admin/guilds/g1/members", method: .post, headers: bearer(admin), body: jsonBody(signed)).status == .created)
            // A second contract starting on the same day overlaps.
            #expect(try await client.execute(uri: "/v1/admin/guilds/g1/members", method: .post, headers: bearer(admin), body: jsonBody(signed)).status == .conflict)
            #expect(try await client.execute(uri: "/v1/admin/guilds/g1/members/s1", method: .put, headers: bearer(admin),
                body: jsonBody(#"{"ends_on":"2026-10-01"}"#)).status == .badRequest)
            let detail = try await client.execute(uri: "/v1/admin/guilds/g1", method: .get, headers: bearer(ops))
            #expect(detail.status == .ok && detail.text.contains("\"streamer_id\":\"s1\""))
            #expect(try await client.execute(uri: "/v1/admin/guilds", method: .get, headers: bearer(ops)).text.contains("Renamed"))
            #expect(try await client.execute(uri: "/v1/streamers/me/earnings?month=2026-10", method: .get, headers: bearer(viewer)).status == .forbidden)
            for bad in ["2026-13", "26-10", "2026-10-01", ""] {
                #expect(try await client.execute(uri: "/v1/streamers/me/earnings?month=\(bad)", method: .get, headers: bearer(s1)).status == .badRequest)
            }
            let earnings = try await client.execute(uri: "/v1/streamers/me/earnings?month=2026-10", method: .get, headers: bearer(s1))
            #expect(earnings.status == .ok && earnings.text.contains("\"valid_day_minutes\":30"))
            #expect(try await client.execute(uri: "/v1/admin/settlement/2026-10/confirm", method: .post, headers: bearer(ops)).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/admin/settlement/2026-10/confirm", method: .post, headers: bearer(admin)).status == .conflict)
            #expect(try await client.execute(uri: "/v1/admin/settlement/2026-10", method: .get, headers: bearer(ops)).status == .ok)
            let html = try await client.execute(uri: "/v1/admin/settlement/2026-10/report.html", method: .get, headers: bearer(ops))
            #expect(html.status == .ok && html.headers[.contentType] == "text/html; charset=utf-8")
            #expect(try await client.execute(uri: "/v1/admin/settlement/2026-00/statements.csv", method: .get, headers: bearer(ops)).status == .badRequest)
            let adj = try await client.execute(uri: "/v1/admin/settlement/2026-10/adjustments", method: .post, headers: bearer(admin),
                body: jsonBody(#"{"owner_kind":"streamer","owner_id":"s1","amount":-3,"reason":"typo"}"#))
            #expect(adj.status == .created && adj.text.contains("\"created_by\":\"fin\""))
            let w = #"{"amount":1,"idempotency_key":"k"}"#
            #expect(try await client.execute(uri: "/v1/streamers/me/withdrawals", method: .post, headers: bearer(viewer), body: jsonBody(w)).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/streamers/me/withdrawals", method: .post, headers: bearer(s1),
                body: jsonBody(#"{"amount":0,"idempotency_key":"k"}"#)).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/streamers/me/withdrawals", method: .post, headers: bearer(s1), body: jsonBody(w)).status == .conflict,
                "the 5th is outside the window")
            #expect(try await client.execute(uri: "/v1/streamers/me/withdrawals", method: .get, headers: bearer(s1)).text == #"{"withdrawals":[]}"#)
        }
    }
}
